global using System.Net;
global using System.Net.Http.Json;
global using Hoist.Server.IntegrationTests.Infrastructure;
global using Shouldly;
global using Xunit;
