namespace Hoist.Sandbox.Tests.Protobuf;

/// <summary>
/// Request bodies kubectl 1.33.1 sent to the sandbox (captured with a logging proxy), next to the JSON
/// kubectl 1.27 sends for the same command: decoding the first must give the second.
/// </summary>
public static class KubectlCaptures
{
    /// <summary><c>kubectl create deployment web --image=nginx:1.25 --replicas=2</c></summary>
    public const string CreateDeploymentWeb = "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50ErABCh8KA3dlYhIAGgAiACoAMgA4AEIAWgoKA2FwcBIDd2ViEn8IAhIMCgoKA2FwcBIDd2ViGmUKHAoAEgAaACIAKgAyADgAQgBaCgoDYXBwEgN3ZWISRRInCgVuZ2lueBIKbmdpbng6MS4yNSoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgACgAOAAaACIA";

    public const string CreateDeploymentWebJson = """
        {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","resources":{}}]}},"strategy":{}},"status":{}}
        """;

    /// <summary><c>kubectl create deployment zero --image=nginx:1.25 --replicas=0 --port=8080</c></summary>
    public const string CreateDeploymentZero = "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EsIBCiEKBHplcm8SABoAIgAqADIAOABCAFoLCgNhcHASBHplcm8SjgEIABINCgsKA2FwcBIEemVybxpzCh0KABIAGgAiACoAMgA4AEIAWgsKA2FwcBIEemVybxJSEjQKBW5naW54EgpuZ2lueDoxLjI1KgAyCwoAEAAYkD8iACoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgACgAOAAaACIA";

    public const string CreateDeploymentZeroJson = """
        {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"zero","creationTimestamp":null,"labels":{"app":"zero"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"zero"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"zero"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":8080}],"resources":{}}]}},"strategy":{}},"status":{}}
        """;

    /// <summary><c>kubectl create namespace x</c></summary>
    public const string CreateNamespace = "azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhkKEQoBeBIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==";

    public const string CreateNamespaceJson = """
        {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},"spec":{},"status":{}}
        """;

    /// <summary><c>kubectl create job j --image=busybox -- echo hi</c></summary>
    public const string CreateJob = "azhzAAoPCghiYXRjaC92MRIDSm9iEoIBChEKAWoSABoAIgAqADIAOABCABJjMmEKEAoAEgAaACIAKgAyADgAQgASTRIqCgFqEgdidXN5Ym94GgRlY2hvGgJoaSoAQgBqAHIAgAEAiAEAkAEAogEAGgVOZXZlcjIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAGgggACgAMAA6ABoAIgA=";

    public const string CreateJobJson = """
        {"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"j","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}}},"status":{}}
        """;

    /// <summary><c>kubectl create cronjob cj --image=busybox --schedule="*/1 * * * *" -- date</c></summary>
    public const string CreateCronJob = "azhzAAoTCghiYXRjaC92MRIHQ3JvbkpvYhKkAQoSCgJjahIAGgAiACoAMgA4AEIAEosBCgsqLzEgKiAqICogKhoAKnoKEgoCY2oSABoAIgAqADIAOABCABJkMmIKEAoAEgAaACIAKgAyADgAQgASThInCgJjahIHYnVzeWJveBoEZGF0ZSoAQgBqAHIAgAEAiAEAkAEAogEAGglPbkZhaWx1cmUyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBABoAGgAiAA==";

    public const string CreateCronJobJson = """
        {"kind":"CronJob","apiVersion":"batch/v1","metadata":{"name":"cj","creationTimestamp":null},"spec":{"schedule":"*/1 * * * *","jobTemplate":{"metadata":{"name":"cj","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"cj","image":"busybox","command":["date"],"resources":{}}],"restartPolicy":"OnFailure"}}}}},"status":{}}
        """;

    /// <summary><c>kubectl create deployment multi --image=nginx:1.25 --image=redis:7</c></summary>
    public const string CreateDeploymentMulti = "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EuABCiMKBW11bHRpEgAaACIAKgAyADgAQgBaDAoDYXBwEgVtdWx0aRKqAQgBEg4KDAoDYXBwEgVtdWx0aRqNAQoeCgASABoAIgAqADIAOABCAFoMCgNhcHASBW11bHRpEmsSJwoFbmdpbngSCm5naW54OjEuMjUqAEIAagByAIABAIgBAJABAKIBABIkCgVyZWRpcxIHcmVkaXM6NyoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgACgAOAAaACIA";

    public const string CreateDeploymentMultiJson = """
        {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"multi","creationTimestamp":null,"labels":{"app":"multi"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"multi"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"multi"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","resources":{}},{"name":"redis","image":"redis:7","resources":{}}]}},"strategy":{}},"status":{}}
        """;

    /// <summary><c>kubectl -n x create deployment other --image=busybox -- sleep 100</c></summary>
    public const string CreateDeploymentInNamespace = "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EsUBCiQKBW90aGVyEgAaAXgiACoAMgA4AEIAWgwKA2FwcBIFb3RoZXISjgEIARIOCgwKA2FwcBIFb3RoZXIacgoeCgASABoAIgAqADIAOABCAFoMCgNhcHASBW90aGVyElASMgoHYnVzeWJveBIHYnVzeWJveBoFc2xlZXAaAzEwMCoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgACgAOAAaACIA";

    public const string CreateDeploymentInNamespaceJson = """
        {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"other","namespace":"x","creationTimestamp":null,"labels":{"app":"other"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"other"}},"spec":{"containers":[{"name":"busybox","image":"busybox","command":["sleep","100"],"resources":{}}]}},"strategy":{}},"status":{}}
        """;

    /// <summary>
    /// <c>kubectl create job fromcj --from=cronjob/cj</c> for a CronJob the apiserver had defaulted. The JSON is
    /// kubectl 1.27's with the two things 1.33 does differently: the owner reference says controller: true, and
    /// the copied template carries 1.33's podReplacementPolicy default.
    /// </summary>
    public const string CreateJobFromCronJob = "azhzAAoPCghiYXRjaC92MRIDSm9iEtsCCoQBCgZmcm9tY2oSABoAIgAqADIAOABCAGIrCiFjcm9uam9iLmt1YmVybmV0ZXMuaW8vaW5zdGFudGlhdGUSBm1hbnVhbGo/CgdDcm9uSm9iGgJjaiIkNDFiZThkOTUtODVmZS00ZDU3LWI0NGYtZTE2ZGY3NTExODU0KghiYXRjaC92MTABEscBCAEQATKbAQoQCgASABoAIgAqADIAOABCABKGARI+CgFjEgdidXN5Ym94KgBCAGoUL2Rldi90ZXJtaW5hdGlvbi1sb2dyBkFsd2F5c4ABAIgBAJABAKIBBEZpbGUaCU9uRmFpbHVyZSAeMgxDbHVzdGVyRmlyc3RCAEoAUgBYAGAAaAByAIIBAIoBAJoBEWRlZmF1bHQtc2NoZWR1bGVywgEAOAZKCk5vbkluZGV4ZWRQAHITVGVybWluYXRpbmdPckZhaWxlZBoIIAAoADAAOgAaACIA";

    public const string CreateJobFromCronJobJson = """
        {"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"fromcj","creationTimestamp":null,"annotations":{"cronjob.kubernetes.io/instantiate":"manual"},"ownerReferences":[{"apiVersion":"batch/v1","kind":"CronJob","name":"cj","uid":"41be8d95-85fe-4d57-b44f-e16df7511854","controller":true}]},"spec":{"parallelism":1,"completions":1,"backoffLimit":6,"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"c","image":"busybox","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"Always"}],"restartPolicy":"OnFailure","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}},"completionMode":"NonIndexed","suspend":false,"podReplacementPolicy":"TerminatingOrFailed"},"status":{}}
        """;
}
