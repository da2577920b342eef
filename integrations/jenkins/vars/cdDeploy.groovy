// cdDeploy: CODING's "镜像更新至 K8s 集群" Jenkinsfile step, on top of the `hoist` CLI.
//
//   cdDeploy(deployType: 'PATCH_IMAGE', application: '${CCI_CURRENT_TEAM}',
//            pipelineName: '${PROJECT_NAME}-${CCI_JOB_NAME}-${CD_CREDENTIAL_INDEX}',
//            image: '"${CODING_DOCKER_IMAGE_NAME}:${DOCKER_IMAGE_VERSION}"', cloudAccountName: 'k8s',
//            namespace: 'shop', manifestType: 'Deployment', manifestName: 'web', containerName: 'nginx',
//            credentialId: '2f74c95a6441484d9f362bbc461a049b')
//
// Like CODING's plugin, it expands ${VAR}, $VAR and ${env.VAR} inside the values itself (users write them in
// single quotes, which Groovy leaves alone) and drops the double quotes CODING wrapped around `image`. Each value
// becomes one single-quoted shell word, so nothing in a value is ever run by the shell. The token travels in the
// environment (CD_PERSONAL_ACCESS_TOKEN), never on the command line or in the build log.

import com.cloudbees.groovy.cps.NonCPS
import groovy.transform.Field

import java.util.regex.Matcher
import java.util.regex.Pattern

@Field static final Map<String, String> PARAMETERS = [
    deployType      : '--deploy-type',
    application     : '--application',
    pipelineName    : '--pipeline-name',
    credentialId    : '--credential-id',
    image           : '--image',
    cloudAccountName: '--cloud-account-name',
    namespace       : '--namespace',
    manifestType    : '--manifest-type',
    manifestName    : '--manifest-name',
    containerName   : '--container-name',
    // Hoist's own additions
    server          : '--server',
    timeout         : '--timeout',
]

@Field static final Map<String, String> FLAGS = [
    rollbackOnFailure : '--rollback-on-failure',
    restartIfUnchanged: '--restart-if-unchanged',
    noWait            : '--no-wait',
]

@Field static final List<String> OTHER = ['personalAccessToken', 'returnStatus']

@Field static final String VARIABLE = /\$\{\s*(?:env\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}|\$(?:env\.)?([A-Za-z_][A-Za-z0-9_]*)/

@Field static final Map<Integer, String> FAILURES = [
    1  : 'hoist was called with bad or missing parameters (exit 1); the lines above name each one and the variable that would supply it',
    2  : 'the Hoist server could not be reached (exit 2); if a release was created it keeps running, and the lines above say how to reattach',
    3  : 'the release failed (exit 3); the verdict above names the cause, and the release page has the details',
    4  : 'the release did not finish in time (exit 4); it may still be rolling out, see the lines above',
    5  : 'Hoist refused the deploy (exit 5); the lines above say why and what to do',
    127: 'the hoist CLI was not found: install it on the agent (dotnet tool install --global Hoist.Cli) or set HOIST_CLI to its path',
]

def call(Map args = [:]) {
    String unknown = unknownParameters(args)
    if (unknown) {
        error(unknown)
    }

    // The environment is read here, in CPS code; everything else happens in @NonCPS helpers on plain values.
    Map<String, String> vars = [:]
    for (String name in referencedVariables(args)) {
        vars[name] = env[name]
    }
    String unset = unsetVariables(args, vars)
    if (unset) {
        error(unset)
    }

    String script = command(env.HOIST_CLI ?: 'hoist', args, vars)
    String token = args.personalAccessToken != null ? expand(args.personalAccessToken.toString(), vars) : null
    int status
    if (token) {
        withEnv(["CD_PERSONAL_ACCESS_TOKEN=${token}".toString()]) {
            status = sh(script: script, returnStatus: true)
        }
    } else {
        status = sh(script: script, returnStatus: true)
    }

    if (args.returnStatus == true || status == 0) {
        return status
    }
    error("cdDeploy: ${FAILURES[status] ?: "hoist exited with ${status}".toString()}")
}

@NonCPS
static String unknownParameters(Map args) {
    def unknown = args.keySet().findAll { !(PARAMETERS.containsKey(it) || FLAGS.containsKey(it) || OTHER.contains(it)) }
    return unknown ? "cdDeploy: unknown parameter(s) ${unknown.join(', ')}; expected one of ${(PARAMETERS.keySet() + FLAGS.keySet() + OTHER).join(', ')}".toString() : null
}

@NonCPS
static List<String> referencedVariables(Map args) {
    return (PARAMETERS.keySet() + ['personalAccessToken'])
        .findAll { args[it] != null }
        .collectMany { variablesIn(args[it].toString()) }
        .unique()
}

/** Like the hoist CLI's --step: an unset variable is an error naming it, not a literal ${X} sent to the server. */
@NonCPS
static String unsetVariables(Map args, Map<String, String> vars) {
    List<String> problems = (PARAMETERS.keySet() + ['personalAccessToken']).findAll { args[it] != null }.collect { String p ->
        List<String> unset = variablesIn(args[p].toString()).findAll { vars[it] == null }
        unset ? "${p}: ${unset.join(', ')} ${unset.size() == 1 ? 'is' : 'are'} not set in the environment".toString() : null
    }.findAll { it != null }
    return problems ? "cdDeploy: ${problems.join('; ')}".toString() : null
}

@NonCPS
static String command(String cli, Map args, Map<String, String> vars) {
    List<String> words = [cli, 'deploy']
    PARAMETERS.each { String name, String option ->
        if (args[name] != null) {
            String value = expand(args[name].toString(), vars)
            if (value) {
                // --option=value: a value starting with '-' can never be read as another option.
                words << "${option}=${value}".toString()
            }
        }
    }
    FLAGS.each { String name, String option ->
        if (args[name] == true || args[name]?.toString() == 'true') {
            words << option
        }
    }
    return shellWords(words)
}

@NonCPS
static List<String> variablesIn(String text) {
    List<String> names = []
    Matcher m = Pattern.compile(VARIABLE).matcher(text)
    while (m.find()) {
        names << (m.group(1) ?: m.group(2))
    }
    return names.unique()
}

@NonCPS
static String expand(String text, Map<String, String> vars) {
    if (text.length() >= 2 && text.startsWith('"') && text.endsWith('"')) {
        text = text.substring(1, text.length() - 1)   // CODING's '"${IMAGE}:${TAG}"'
    }
    Matcher m = Pattern.compile(VARIABLE).matcher(text)
    StringBuffer out = new StringBuffer()
    while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(vars[m.group(1) ?: m.group(2)] ?: ''))
    }
    m.appendTail(out)
    return out.toString()
}

/** Each word single-quoted for sh: inside '...' nothing is special, and a ' is written as '"'"'. */
@NonCPS
static String shellWords(List<String> words) {
    return words.collect { String w ->
        if (w.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException('cdDeploy: a parameter contains a NUL character')
        }
        "'" + w.replace("'", "'\"'\"'") + "'"
    }.join(' ')
}
