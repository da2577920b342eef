// hoist-sandbox: the command line is filled in with the HTTP layer (issue #2).
return 0;
