using System.Collections.Frozen;

namespace Hoist.Sandbox.Protobuf;

/// <summary>
/// The Kubernetes protobuf messages the sandbox decodes: its stored kinds (core/v1 Namespace, Pod, Event, Node;
/// apps/v1 Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision; batch/v1 Job, CronJob), the
/// bodies of their scale subresource and of DeleteOptions, and SelfSubjectAccessReview, with every message
/// they embed. Field numbers and JSON names are those of the generated.proto files of kubernetes/api and
/// kubernetes/apimachinery at v0.33.1 (Kubernetes 1.33); pointer and omitempty markers come from the Go structs
/// in the types.go next to them (table syntax: <see cref="ProtoSchema"/>).
/// Left out, so their fields are skipped like unknown ones: the in-tree cloud and legacy volume plugins
/// (gcePersistentDisk, awsElasticBlockStore, gitRepo, iscsi, glusterfs, rbd, flexVolume, cinder, cephfs, flocker,
/// fc, azureFile, azureDisk, vsphereVolume, quobyte, photonPersistentDisk, portworxVolume, scaleIO, storageos),
/// clusterTrustBundle projections, ephemeralContainers, Windows security options, the kubelet-reported parts of
/// NodeSpec/NodeStatus (configSource, nodeInfo, daemonEndpoints, images, volumesAttached, config,
/// runtimeHandlers, features) and of PodStatus/ContainerStatus (volumeMounts, user, allocatedResourcesStatus,
/// resourceClaimStatuses), PersistentVolumeClaim status, and the field/label selectors of ResourceAttributes.
/// </summary>
internal static class KubernetesMessages
{
    public static readonly ProtoSchema Schema = ProtoSchema.Parse(new Dictionary<string, string>
    {
        // k8s.io.apimachinery.pkg.apis.meta.v1
        ["DeleteOptions"] = "1 gracePeriodSeconds int64*, 2 preconditions Preconditions*, 3 orphanDependents bool*, 4 propagationPolicy string*," +
            " 5 dryRun []string, 6 ignoreStoreReadErrorWithClusterBreakingPotential bool*",
        ["LabelSelector"] = "1 matchLabels map, 2 matchExpressions []LabelSelectorRequirement",
        ["LabelSelectorRequirement"] = "1 key string!, 2 operator string!, 3 values []string",
        ["ManagedFieldsEntry"] = "1 manager string, 2 operation string, 3 apiVersion string, 4 time Time*, 6 fieldsType string," +
            " 7 fieldsV1 FieldsV1*, 8 subresource string",
        ["ObjectMeta"] = "1 name string, 2 generateName string, 3 namespace string, 4 selfLink string, 5 uid string, 6 resourceVersion string," +
            " 7 generation int64, 8 creationTimestamp Time, 9 deletionTimestamp Time*, 10 deletionGracePeriodSeconds int64*, 11 labels map," +
            " 12 annotations map, 13 ownerReferences []OwnerReference, 14 finalizers []string, 17 managedFields []ManagedFieldsEntry",
        ["OwnerReference"] = "5 apiVersion string!, 1 kind string!, 3 name string!, 4 uid string!, 6 controller bool*, 7 blockOwnerDeletion bool*",
        ["Preconditions"] = "1 uid string*, 2 resourceVersion string*",
        // k8s.io.api.core.v1
        ["Affinity"] = "1 nodeAffinity NodeAffinity*, 2 podAffinity PodAffinity*, 3 podAntiAffinity PodAntiAffinity*",
        ["AppArmorProfile"] = "1 type string!, 2 localhostProfile string*",
        ["CSIVolumeSource"] = "1 driver string!, 2 readOnly bool*, 3 fsType string*, 4 volumeAttributes map," +
            " 5 nodePublishSecretRef LocalObjectReference*",
        ["Capabilities"] = "1 add []string, 2 drop []string",
        ["ConfigMapEnvSource"] = "1 - LocalObjectReference, 2 optional bool*",
        ["ConfigMapKeySelector"] = "1 - LocalObjectReference, 2 key string!, 3 optional bool*",
        ["ConfigMapProjection"] = "1 - LocalObjectReference, 2 items []KeyToPath, 4 optional bool*",
        ["ConfigMapVolumeSource"] = "1 - LocalObjectReference, 2 items []KeyToPath, 3 defaultMode int32*, 4 optional bool*",
        ["Container"] = "1 name string!, 2 image string, 3 command []string, 4 args []string, 5 workingDir string, 6 ports []ContainerPort," +
            " 19 envFrom []EnvFromSource, 7 env []EnvVar, 8 resources ResourceRequirements, 23 resizePolicy []ContainerResizePolicy," +
            " 24 restartPolicy string*, 9 volumeMounts []VolumeMount, 21 volumeDevices []VolumeDevice, 10 livenessProbe Probe*," +
            " 11 readinessProbe Probe*, 22 startupProbe Probe*, 12 lifecycle Lifecycle*, 13 terminationMessagePath string," +
            " 20 terminationMessagePolicy string, 14 imagePullPolicy string, 15 securityContext SecurityContext*, 16 stdin bool, 17 stdinOnce bool," +
            " 18 tty bool",
        ["ContainerPort"] = "1 name string, 2 hostPort int32, 3 containerPort int32!, 4 protocol string, 5 hostIP string",
        ["ContainerResizePolicy"] = "1 resourceName string!, 2 restartPolicy string!",
        ["ContainerState"] = "1 waiting ContainerStateWaiting*, 2 running ContainerStateRunning*, 3 terminated ContainerStateTerminated*",
        ["ContainerStateRunning"] = "1 startedAt Time",
        ["ContainerStateTerminated"] = "1 exitCode int32!, 2 signal int32, 3 reason string, 4 message string, 5 startedAt Time, 6 finishedAt Time," +
            " 7 containerID string",
        ["ContainerStateWaiting"] = "1 reason string, 2 message string",
        ["ContainerStatus"] = "1 name string!, 2 state ContainerState, 3 lastState ContainerState, 4 ready bool!, 5 restartCount int32!," +
            " 6 image string!, 7 imageID string!, 8 containerID string, 9 started bool*, 10 allocatedResources map<Quantity>," +
            " 11 resources ResourceRequirements*, 15 stopSignal string*",
        ["DownwardAPIProjection"] = "1 items []DownwardAPIVolumeFile",
        ["DownwardAPIVolumeFile"] = "1 path string!, 2 fieldRef ObjectFieldSelector*, 3 resourceFieldRef ResourceFieldSelector*, 4 mode int32*",
        ["DownwardAPIVolumeSource"] = "1 items []DownwardAPIVolumeFile, 2 defaultMode int32*",
        ["EmptyDirVolumeSource"] = "1 medium string, 2 sizeLimit Quantity*",
        ["EnvFromSource"] = "1 prefix string, 2 configMapRef ConfigMapEnvSource*, 3 secretRef SecretEnvSource*",
        ["EnvVar"] = "1 name string!, 2 value string, 3 valueFrom EnvVarSource*",
        ["EnvVarSource"] = "1 fieldRef ObjectFieldSelector*, 2 resourceFieldRef ResourceFieldSelector*, 3 configMapKeyRef ConfigMapKeySelector*," +
            " 4 secretKeyRef SecretKeySelector*",
        ["EphemeralVolumeSource"] = "1 volumeClaimTemplate PersistentVolumeClaimTemplate*",
        ["Event"] = "1 metadata ObjectMeta, 2 involvedObject ObjectReference, 3 reason string, 4 message string, 5 source EventSource," +
            " 6 firstTimestamp Time, 7 lastTimestamp Time, 8 count int32, 9 type string, 10 eventTime MicroTime, 11 series EventSeries*," +
            " 12 action string, 13 related ObjectReference*, 14 reportingComponent string!, 15 reportingInstance string!",
        ["EventSeries"] = "1 count int32, 2 lastObservedTime MicroTime",
        ["EventSource"] = "1 component string, 2 host string",
        ["ExecAction"] = "1 command []string",
        ["GRPCAction"] = "1 port int32!, 2 service string*",
        ["HTTPGetAction"] = "1 path string, 2 port IntOrString, 3 host string, 4 scheme string, 5 httpHeaders []HTTPHeader",
        ["HTTPHeader"] = "1 name string!, 2 value string!",
        ["HostAlias"] = "1 ip string!, 2 hostnames []string",
        ["HostIP"] = "1 ip string!",
        ["HostPathVolumeSource"] = "1 path string!, 2 type string*",
        ["ImageVolumeSource"] = "1 reference string, 2 pullPolicy string",
        ["KeyToPath"] = "1 key string!, 2 path string!, 3 mode int32*",
        ["Lifecycle"] = "1 postStart LifecycleHandler*, 2 preStop LifecycleHandler*, 3 stopSignal string*",
        ["LifecycleHandler"] = "1 exec ExecAction*, 2 httpGet HTTPGetAction*, 3 tcpSocket TCPSocketAction*, 4 sleep SleepAction*",
        ["LocalObjectReference"] = "1 name string",
        ["NFSVolumeSource"] = "1 server string!, 2 path string!, 3 readOnly bool",
        ["Namespace"] = "1 metadata ObjectMeta, 2 spec NamespaceSpec, 3 status NamespaceStatus",
        ["NamespaceCondition"] = "1 type string!, 2 status string!, 4 lastTransitionTime Time, 5 reason string, 6 message string",
        ["NamespaceSpec"] = "1 finalizers []string",
        ["NamespaceStatus"] = "1 phase string, 2 conditions []NamespaceCondition",
        ["Node"] = "1 metadata ObjectMeta, 2 spec NodeSpec, 3 status NodeStatus",
        ["NodeAddress"] = "1 type string!, 2 address string!",
        ["NodeAffinity"] = "1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector*," +
            " 2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm",
        ["NodeCondition"] = "1 type string!, 2 status string!, 3 lastHeartbeatTime Time, 4 lastTransitionTime Time, 5 reason string," +
            " 6 message string",
        ["NodeSelector"] = "1 nodeSelectorTerms []NodeSelectorTerm",
        ["NodeSelectorRequirement"] = "1 key string!, 2 operator string!, 3 values []string",
        ["NodeSelectorTerm"] = "1 matchExpressions []NodeSelectorRequirement, 2 matchFields []NodeSelectorRequirement",
        ["NodeSpec"] = "1 podCIDR string, 7 podCIDRs []string, 3 providerID string, 4 unschedulable bool, 5 taints []Taint, 2 externalID string",
        ["NodeStatus"] = "1 capacity map<Quantity>, 2 allocatable map<Quantity>, 3 phase string, 4 conditions []NodeCondition," +
            " 5 addresses []NodeAddress, 9 volumesInUse []string",
        ["ObjectFieldSelector"] = "1 apiVersion string, 2 fieldPath string!",
        ["ObjectReference"] = "1 kind string, 2 namespace string, 3 name string, 4 uid string, 5 apiVersion string, 6 resourceVersion string," +
            " 7 fieldPath string",
        ["PersistentVolumeClaim"] = "1 metadata ObjectMeta, 2 spec PersistentVolumeClaimSpec",
        ["PersistentVolumeClaimSpec"] = "1 accessModes []string, 4 selector LabelSelector*, 2 resources VolumeResourceRequirements," +
            " 3 volumeName string, 5 storageClassName string*, 6 volumeMode string*, 7 dataSource TypedLocalObjectReference*," +
            " 8 dataSourceRef TypedObjectReference*, 9 volumeAttributesClassName string*",
        ["PersistentVolumeClaimTemplate"] = "1 metadata ObjectMeta, 2 spec PersistentVolumeClaimSpec",
        ["PersistentVolumeClaimVolumeSource"] = "1 claimName string!, 2 readOnly bool",
        ["Pod"] = "1 metadata ObjectMeta, 2 spec PodSpec, 3 status PodStatus",
        ["PodAffinity"] = "1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm," +
            " 2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm",
        ["PodAffinityTerm"] = "1 labelSelector LabelSelector*, 2 namespaces []string, 3 topologyKey string!, 4 namespaceSelector LabelSelector*," +
            " 5 matchLabelKeys []string, 6 mismatchLabelKeys []string",
        ["PodAntiAffinity"] = "1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm," +
            " 2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm",
        ["PodCondition"] = "1 type string!, 7 observedGeneration int64, 2 status string!, 3 lastProbeTime Time, 4 lastTransitionTime Time," +
            " 5 reason string, 6 message string",
        ["PodDNSConfig"] = "1 nameservers []string, 2 searches []string, 3 options []PodDNSConfigOption",
        ["PodDNSConfigOption"] = "1 name string, 2 value string*",
        ["PodIP"] = "1 ip string!",
        ["PodOS"] = "1 name string!",
        ["PodReadinessGate"] = "1 conditionType string!",
        ["PodResourceClaim"] = "1 name string!, 3 resourceClaimName string*, 4 resourceClaimTemplateName string*",
        ["PodSchedulingGate"] = "1 name string!",
        ["PodSecurityContext"] = "1 seLinuxOptions SELinuxOptions*, 2 runAsUser int64*, 6 runAsGroup int64*, 3 runAsNonRoot bool*," +
            " 4 supplementalGroups []int64, 12 supplementalGroupsPolicy string*, 5 fsGroup int64*, 7 sysctls []Sysctl," +
            " 9 fsGroupChangePolicy string*, 10 seccompProfile SeccompProfile*, 11 appArmorProfile AppArmorProfile*, 13 seLinuxChangePolicy string*",
        ["PodSpec"] = "1 volumes []Volume, 20 initContainers []Container, 2 containers []Container, 3 restartPolicy string," +
            " 4 terminationGracePeriodSeconds int64*, 5 activeDeadlineSeconds int64*, 6 dnsPolicy string, 7 nodeSelector map," +
            " 8 serviceAccountName string, 9 serviceAccount string, 21 automountServiceAccountToken bool*, 10 nodeName string, 11 hostNetwork bool," +
            " 12 hostPID bool, 13 hostIPC bool, 27 shareProcessNamespace bool*, 14 securityContext PodSecurityContext*," +
            " 15 imagePullSecrets []LocalObjectReference, 16 hostname string, 17 subdomain string, 18 affinity Affinity*, 19 schedulerName string," +
            " 22 tolerations []Toleration, 23 hostAliases []HostAlias, 24 priorityClassName string, 25 priority int32*, 26 dnsConfig PodDNSConfig*," +
            " 28 readinessGates []PodReadinessGate, 29 runtimeClassName string*, 30 enableServiceLinks bool*, 31 preemptionPolicy string*," +
            " 32 overhead map<Quantity>, 33 topologySpreadConstraints []TopologySpreadConstraint, 35 setHostnameAsFQDN bool*, 36 os PodOS*," +
            " 37 hostUsers bool*, 38 schedulingGates []PodSchedulingGate, 39 resourceClaims []PodResourceClaim, 40 resources ResourceRequirements*",
        ["PodStatus"] = "17 observedGeneration int64, 1 phase string, 2 conditions []PodCondition, 3 message string, 4 reason string," +
            " 11 nominatedNodeName string, 5 hostIP string, 16 hostIPs []HostIP, 6 podIP string, 12 podIPs []PodIP, 7 startTime Time*," +
            " 10 initContainerStatuses []ContainerStatus, 8 containerStatuses []ContainerStatus, 9 qosClass string," +
            " 13 ephemeralContainerStatuses []ContainerStatus, 14 resize string",
        ["PodTemplateSpec"] = "1 metadata ObjectMeta, 2 spec PodSpec",
        ["PreferredSchedulingTerm"] = "1 weight int32!, 2 preference NodeSelectorTerm",
        ["Probe"] = "1 - ProbeHandler, 2 initialDelaySeconds int32, 3 timeoutSeconds int32, 4 periodSeconds int32, 5 successThreshold int32," +
            " 6 failureThreshold int32, 7 terminationGracePeriodSeconds int64*",
        ["ProbeHandler"] = "1 exec ExecAction*, 2 httpGet HTTPGetAction*, 3 tcpSocket TCPSocketAction*, 4 grpc GRPCAction*",
        ["ProjectedVolumeSource"] = "1 sources []VolumeProjection, 2 defaultMode int32*",
        ["ResourceClaim"] = "1 name string!, 2 request string",
        ["ResourceFieldSelector"] = "1 containerName string, 2 resource string!, 3 divisor Quantity",
        ["ResourceRequirements"] = "1 limits map<Quantity>, 2 requests map<Quantity>, 3 claims []ResourceClaim",
        ["SELinuxOptions"] = "1 user string, 2 role string, 3 type string, 4 level string",
        ["SeccompProfile"] = "1 type string!, 2 localhostProfile string*",
        ["SecretEnvSource"] = "1 - LocalObjectReference, 2 optional bool*",
        ["SecretKeySelector"] = "1 - LocalObjectReference, 2 key string!, 3 optional bool*",
        ["SecretProjection"] = "1 - LocalObjectReference, 2 items []KeyToPath, 4 optional bool*",
        ["SecretVolumeSource"] = "1 secretName string, 2 items []KeyToPath, 3 defaultMode int32*, 4 optional bool*",
        ["SecurityContext"] = "1 capabilities Capabilities*, 2 privileged bool*, 3 seLinuxOptions SELinuxOptions*, 4 runAsUser int64*," +
            " 8 runAsGroup int64*, 5 runAsNonRoot bool*, 6 readOnlyRootFilesystem bool*, 7 allowPrivilegeEscalation bool*, 9 procMount string*," +
            " 11 seccompProfile SeccompProfile*, 12 appArmorProfile AppArmorProfile*",
        ["ServiceAccountTokenProjection"] = "1 audience string, 2 expirationSeconds int64*, 3 path string!",
        ["SleepAction"] = "1 seconds int64!",
        ["Sysctl"] = "1 name string!, 2 value string!",
        ["TCPSocketAction"] = "1 port IntOrString, 2 host string",
        ["Taint"] = "1 key string!, 2 value string, 3 effect string!, 4 timeAdded Time*",
        ["Toleration"] = "1 key string, 2 operator string, 3 value string, 4 effect string, 5 tolerationSeconds int64*",
        ["TopologySpreadConstraint"] = "1 maxSkew int32!, 2 topologyKey string!, 3 whenUnsatisfiable string!, 4 labelSelector LabelSelector*," +
            " 5 minDomains int32*, 6 nodeAffinityPolicy string*, 7 nodeTaintsPolicy string*, 8 matchLabelKeys []string",
        ["TypedLocalObjectReference"] = "1 apiGroup string*, 2 kind string!, 3 name string!",
        ["TypedObjectReference"] = "1 apiGroup string*, 2 kind string!, 3 name string!, 4 namespace string*",
        ["Volume"] = "1 name string!, 2 - VolumeSource",
        ["VolumeDevice"] = "1 name string!, 2 devicePath string!",
        ["VolumeMount"] = "1 name string!, 2 readOnly bool, 7 recursiveReadOnly string*, 3 mountPath string!, 4 subPath string," +
            " 5 mountPropagation string*, 6 subPathExpr string",
        ["VolumeProjection"] = "1 secret SecretProjection*, 2 downwardAPI DownwardAPIProjection*, 3 configMap ConfigMapProjection*," +
            " 4 serviceAccountToken ServiceAccountTokenProjection*",
        ["VolumeResourceRequirements"] = "1 limits map<Quantity>, 2 requests map<Quantity>",
        ["VolumeSource"] = "1 hostPath HostPathVolumeSource*, 2 emptyDir EmptyDirVolumeSource*, 6 secret SecretVolumeSource*," +
            " 7 nfs NFSVolumeSource*, 10 persistentVolumeClaim PersistentVolumeClaimVolumeSource*, 16 downwardAPI DownwardAPIVolumeSource*," +
            " 19 configMap ConfigMapVolumeSource*, 26 projected ProjectedVolumeSource*, 28 csi CSIVolumeSource*," +
            " 29 ephemeral EphemeralVolumeSource*, 30 image ImageVolumeSource*",
        ["WeightedPodAffinityTerm"] = "1 weight int32!, 2 podAffinityTerm PodAffinityTerm",
        // k8s.io.api.apps.v1
        ["ControllerRevision"] = "1 metadata ObjectMeta, 2 data RawExtension, 3 revision int64!",
        ["DaemonSet"] = "1 metadata ObjectMeta, 2 spec DaemonSetSpec, 3 status DaemonSetStatus",
        ["DaemonSetCondition"] = "1 type string!, 2 status string!, 3 lastTransitionTime Time, 4 reason string, 5 message string",
        ["DaemonSetSpec"] = "1 selector LabelSelector*, 2 template PodTemplateSpec, 3 updateStrategy DaemonSetUpdateStrategy," +
            " 4 minReadySeconds int32, 6 revisionHistoryLimit int32*",
        ["DaemonSetStatus"] = "1 currentNumberScheduled int32!, 2 numberMisscheduled int32!, 3 desiredNumberScheduled int32!, 4 numberReady int32!," +
            " 5 observedGeneration int64, 6 updatedNumberScheduled int32, 7 numberAvailable int32, 8 numberUnavailable int32," +
            " 9 collisionCount int32*, 10 conditions []DaemonSetCondition",
        ["DaemonSetUpdateStrategy"] = "1 type string, 2 rollingUpdate RollingUpdateDaemonSet*",
        ["Deployment"] = "1 metadata ObjectMeta, 2 spec DeploymentSpec, 3 status DeploymentStatus",
        ["DeploymentCondition"] = "1 type string!, 2 status string!, 6 lastUpdateTime Time, 7 lastTransitionTime Time, 4 reason string," +
            " 5 message string",
        ["DeploymentSpec"] = "1 replicas int32*, 2 selector LabelSelector*, 3 template PodTemplateSpec, 4 strategy DeploymentStrategy," +
            " 5 minReadySeconds int32, 6 revisionHistoryLimit int32*, 7 paused bool, 9 progressDeadlineSeconds int32*",
        ["DeploymentStatus"] = "1 observedGeneration int64, 2 replicas int32, 3 updatedReplicas int32, 7 readyReplicas int32," +
            " 4 availableReplicas int32, 5 unavailableReplicas int32, 9 terminatingReplicas int32*, 6 conditions []DeploymentCondition," +
            " 8 collisionCount int32*",
        ["DeploymentStrategy"] = "1 type string, 2 rollingUpdate RollingUpdateDeployment*",
        ["ReplicaSet"] = "1 metadata ObjectMeta, 2 spec ReplicaSetSpec, 3 status ReplicaSetStatus",
        ["ReplicaSetCondition"] = "1 type string!, 2 status string!, 3 lastTransitionTime Time, 4 reason string, 5 message string",
        ["ReplicaSetSpec"] = "1 replicas int32*, 4 minReadySeconds int32, 2 selector LabelSelector*, 3 template PodTemplateSpec",
        ["ReplicaSetStatus"] = "1 replicas int32!, 2 fullyLabeledReplicas int32, 4 readyReplicas int32, 5 availableReplicas int32," +
            " 7 terminatingReplicas int32*, 3 observedGeneration int64, 6 conditions []ReplicaSetCondition",
        ["RollingUpdateDaemonSet"] = "1 maxUnavailable IntOrString*, 2 maxSurge IntOrString*",
        ["RollingUpdateDeployment"] = "1 maxUnavailable IntOrString*, 2 maxSurge IntOrString*",
        ["RollingUpdateStatefulSetStrategy"] = "1 partition int32*, 2 maxUnavailable IntOrString*",
        ["StatefulSet"] = "1 metadata ObjectMeta, 2 spec StatefulSetSpec, 3 status StatefulSetStatus",
        ["StatefulSetCondition"] = "1 type string!, 2 status string!, 3 lastTransitionTime Time, 4 reason string, 5 message string",
        ["StatefulSetOrdinals"] = "1 start int32!",
        ["StatefulSetPersistentVolumeClaimRetentionPolicy"] = "1 whenDeleted string, 2 whenScaled string",
        ["StatefulSetSpec"] = "1 replicas int32*, 2 selector LabelSelector*, 3 template PodTemplateSpec," +
            " 4 volumeClaimTemplates []PersistentVolumeClaim, 5 serviceName string!, 6 podManagementPolicy string," +
            " 7 updateStrategy StatefulSetUpdateStrategy, 8 revisionHistoryLimit int32*, 9 minReadySeconds int32," +
            " 10 persistentVolumeClaimRetentionPolicy StatefulSetPersistentVolumeClaimRetentionPolicy*, 11 ordinals StatefulSetOrdinals*",
        ["StatefulSetStatus"] = "1 observedGeneration int64, 2 replicas int32!, 3 readyReplicas int32, 4 currentReplicas int32," +
            " 5 updatedReplicas int32, 6 currentRevision string, 7 updateRevision string, 9 collisionCount int32*," +
            " 10 conditions []StatefulSetCondition, 11 availableReplicas int32!",
        ["StatefulSetUpdateStrategy"] = "1 type string, 2 rollingUpdate RollingUpdateStatefulSetStrategy*",
        // k8s.io.api.batch.v1
        ["CronJob"] = "1 metadata ObjectMeta, 2 spec CronJobSpec, 3 status CronJobStatus",
        ["CronJobSpec"] = "1 schedule string!, 8 timeZone string*, 2 startingDeadlineSeconds int64*, 3 concurrencyPolicy string, 4 suspend bool*," +
            " 5 jobTemplate JobTemplateSpec, 6 successfulJobsHistoryLimit int32*, 7 failedJobsHistoryLimit int32*",
        ["CronJobStatus"] = "1 active []ObjectReference, 4 lastScheduleTime Time*, 5 lastSuccessfulTime Time*",
        ["Job"] = "1 metadata ObjectMeta, 2 spec JobSpec, 3 status JobStatus",
        ["JobCondition"] = "1 type string!, 2 status string!, 3 lastProbeTime Time, 4 lastTransitionTime Time, 5 reason string, 6 message string",
        ["JobSpec"] = "1 parallelism int32*, 2 completions int32*, 3 activeDeadlineSeconds int64*, 11 podFailurePolicy PodFailurePolicy*," +
            " 16 successPolicy SuccessPolicy*, 7 backoffLimit int32*, 12 backoffLimitPerIndex int32*, 13 maxFailedIndexes int32*," +
            " 4 selector LabelSelector*, 5 manualSelector bool*, 6 template PodTemplateSpec, 8 ttlSecondsAfterFinished int32*," +
            " 9 completionMode string*, 10 suspend bool*, 14 podReplacementPolicy string*, 15 managedBy string*",
        ["JobStatus"] = "1 conditions []JobCondition, 2 startTime Time*, 3 completionTime Time*, 4 active int32, 5 succeeded int32, 6 failed int32," +
            " 11 terminating int32*, 7 completedIndexes string, 10 failedIndexes string*, 8 uncountedTerminatedPods UncountedTerminatedPods*," +
            " 9 ready int32*",
        ["JobTemplateSpec"] = "1 metadata ObjectMeta, 2 spec JobSpec",
        ["PodFailurePolicy"] = "1 rules []PodFailurePolicyRule",
        ["PodFailurePolicyOnExitCodesRequirement"] = "1 containerName string*, 2 operator string!, 3 values []int32",
        ["PodFailurePolicyOnPodConditionsPattern"] = "1 type string!, 2 status string!",
        ["PodFailurePolicyRule"] = "1 action string!, 2 onExitCodes PodFailurePolicyOnExitCodesRequirement*," +
            " 3 onPodConditions []PodFailurePolicyOnPodConditionsPattern",
        ["SuccessPolicy"] = "1 rules []SuccessPolicyRule",
        ["SuccessPolicyRule"] = "1 succeededIndexes string*, 2 succeededCount int32*",
        ["UncountedTerminatedPods"] = "1 succeeded []string, 2 failed []string",
        // k8s.io.api.autoscaling.v1
        ["Scale"] = "1 metadata ObjectMeta, 2 spec ScaleSpec, 3 status ScaleStatus",
        ["ScaleSpec"] = "1 replicas int32",
        ["ScaleStatus"] = "1 replicas int32!, 2 selector string",
        // k8s.io.api.authorization.v1
        ["NonResourceAttributes"] = "1 path string, 2 verb string",
        ["ResourceAttributes"] = "1 namespace string, 2 verb string, 3 group string, 4 version string, 5 resource string, 6 subresource string," +
            " 7 name string",
        ["SelfSubjectAccessReview"] = "1 metadata ObjectMeta, 2 spec SelfSubjectAccessReviewSpec, 3 status SubjectAccessReviewStatus",
        ["SelfSubjectAccessReviewSpec"] = "1 resourceAttributes ResourceAttributes*, 2 nonResourceAttributes NonResourceAttributes*",
        ["SubjectAccessReviewStatus"] = "1 allowed bool!, 4 denied bool, 2 reason string, 3 evaluationError string",
    });

    /// <summary>The top-level message for an envelope's apiVersion and kind.</summary>
    static readonly FrozenDictionary<(string ApiVersion, string Kind), string> Roots = new Dictionary<(string, string), string>
    {
        [("v1", "Namespace")] = "Namespace",
        [("v1", "Pod")] = "Pod",
        [("v1", "Event")] = "Event",
        [("v1", "Node")] = "Node",
        [("apps/v1", "Deployment")] = "Deployment",
        [("apps/v1", "ReplicaSet")] = "ReplicaSet",
        [("apps/v1", "StatefulSet")] = "StatefulSet",
        [("apps/v1", "DaemonSet")] = "DaemonSet",
        [("apps/v1", "ControllerRevision")] = "ControllerRevision",
        [("batch/v1", "Job")] = "Job",
        [("batch/v1", "CronJob")] = "CronJob",
        [("autoscaling/v1", "Scale")] = "Scale",
        [("authorization.k8s.io/v1", "SelfSubjectAccessReview")] = "SelfSubjectAccessReview",
    }.ToFrozenDictionary();

    /// <summary>
    /// Null when the sandbox has no message for the pair. DeleteOptions is registered in every group version,
    /// so a typed client's delete body names the resource's group (apps/v1, batch/v1) rather than meta.k8s.io.
    /// </summary>
    public static string? RootOf(string apiVersion, string kind) =>
        kind == "DeleteOptions" ? "DeleteOptions" : Roots.GetValueOrDefault((apiVersion, kind));
}
