// Runs vars/cdDeploy.groovy outside Jenkins: the Jenkins steps it calls (sh, withEnv, error) are stand-ins, and
// the command line it builds is executed by a real /bin/sh with a stand-in `hoist` that records the arguments and
// the environment it received. Exit status 0 = every check passed.

def root = new File(getClass().protectionDomain.codeSource.location.path).parentFile.parentFile
def failures = []
def check = { String name, passed, String detail = '' ->
    boolean ok = passed as boolean
    println((ok ? 'ok   ' : 'FAIL ') + name + (ok || !detail ? '' : "\n     ${detail}"))
    if (!ok) failures << name
}

// A stand-in hoist: writes each argument NUL-terminated, then the token variable, to $RECORD.
def work = File.createTempDir('cddeploy', '')
def recordFile = new File(work, 'record')
def fakeHoist = new File(work, 'hoist')
fakeHoist.text = '''#!/bin/sh
for a in "$@"; do printf '%s\\0' "$a"; done > "$RECORD"
printf 'TOKEN=%s\\0' "${CD_PERSONAL_ACCESS_TOKEN-<unset>}" >> "$RECORD"
exit "${FAKE_EXIT:-0}"
'''
fakeHoist.setExecutable(true)

class StepFailed extends RuntimeException { StepFailed(String m) { super(m) } }

/** Runs cdDeploy(args) with the given env; returns [script, argv, token, result-or-error]. */
def run = { Map env, Map args, int fakeExit = 0 ->
    def script = new GroovyShell(getClass().classLoader).parse(new File(root, 'vars/cdDeploy.groovy'))
    def extraEnv = [:]
    def recorded = [:]
    def binding = new Binding()
    binding.setVariable('env', env)
    binding.setVariable('error', { String m -> throw new StepFailed(m) })
    binding.setVariable('withEnv', { List<String> pairs, Closure body ->
        pairs.each { p -> def i = p.indexOf('='); extraEnv[p.substring(0, i)] = p.substring(i + 1) }
        try { body() } finally { extraEnv.clear() }
    })
    binding.setVariable('sh', { Map a ->
        assert a.returnStatus == true
        recorded.script = a.script
        recordFile.delete()
        def pb = new ProcessBuilder('/bin/sh', '-c', a.script)
        pb.environment().clear()
        pb.environment().putAll([PATH: "${work.path}:/usr/bin:/bin".toString(), RECORD: recordFile.path, FAKE_EXIT: fakeExit.toString()] + extraEnv)
        def p = pb.redirectErrorStream(true).start()
        recorded.output = p.inputStream.text
        return p.waitFor()
    })
    script.binding = binding
    def result
    try {
        result = script.call(args)
    } catch (StepFailed e) {
        result = e
    }
    def parts = recordFile.exists() ? new String(recordFile.bytes, 'UTF-8').split('\u0000', -1).toList().dropRight(1) : []
    def token = parts ? parts.last() - 'TOKEN=' : null
    [script: recorded.script, argv: parts ? parts.dropRight(1) : null, token: token, result: result, output: recorded.output]
}

def codingEnv = [
    CCI_CURRENT_TEAM: 'demo', PROJECT_NAME: 'shop', CCI_JOB_NAME: 'build-and-deploy', CD_CREDENTIAL_INDEX: '1',
    CODING_DOCKER_IMAGE_NAME: 'shop/build/web', DOCKER_IMAGE_VERSION: 'master-0123abc',
]

// 1. The seed's Jenkinsfile step, unchanged.
def seed = run(codingEnv, [deployType: 'PATCH_IMAGE', application: '${CCI_CURRENT_TEAM}', pipelineName: '${PROJECT_NAME}-${CCI_JOB_NAME}-${CD_CREDENTIAL_INDEX}', image: '"${CODING_DOCKER_IMAGE_NAME}:${DOCKER_IMAGE_VERSION}"', cloudAccountName: 'k8s', namespace: 'liaohongkun-1', manifestType: 'Deployment', manifestName: 'nginx-deployment-1', containerName: 'nginx', credentialId: '2f74c95a6441484d9f362bbc461a049b'])
def seedExpected = ['deploy', '--deploy-type=PATCH_IMAGE', '--application=demo', '--pipeline-name=shop-build-and-deploy-1',
    '--credential-id=2f74c95a6441484d9f362bbc461a049b', '--image=shop/build/web:master-0123abc', '--cloud-account-name=k8s',
    '--namespace=liaohongkun-1', '--manifest-type=Deployment', '--manifest-name=nginx-deployment-1', '--container-name=nginx']
check('seed step: hoist receives the expanded parameters', seed.argv == seedExpected, "argv=${seed.argv}")
check('seed step: returns 0', seed.result == 0, "result=${seed.result}")
check('seed step: no token passed when none given', seed.token == '<unset>', "token=${seed.token}")

// 2. Hostile values: quotes, command substitution, backticks, spaces, newlines, leading dashes, globs, variables
//    whose values are themselves hostile. Each must arrive as exactly one argument, byte for byte.
def hostile = [
    "it's \"quoted\"",
    '$(touch /tmp/cddeploy-pwned) `touch /tmp/cddeploy-pwned`',
    "two\nlines\tand tab",
    '--server=http://evil -rf *',
    "';touch /tmp/cddeploy-pwned;'",
    '\\ back\\slash costs $5 (100%)',
    '中文 ünïcödé',
]
def hostileEnv = codingEnv + [EVIL: '$(touch /tmp/cddeploy-pwned)\'"', SPACEY: 'a b']
new File('/tmp/cddeploy-pwned').delete()
hostile.eachWithIndex { value, i ->
    def r = run(hostileEnv, [image: value])
    def expected = "--image=${value}".toString()
    check("hostile value ${i}: one argument, unchanged", r.argv == ['deploy', expected], "argv=${r.argv}")
}
def evil = run(hostileEnv, [namespace: 'ns-${EVIL}-${SPACEY}'])
check('variable values are not re-interpreted', evil.argv == ['deploy', '--namespace=ns-$(touch /tmp/cddeploy-pwned)\'"-a b'], "argv=${evil.argv}")
check('hostile values: the shell ran nothing', !new File('/tmp/cddeploy-pwned').exists())

// 3. $HOME-style references are expanded from the build environment, like CODING did, and nowhere else.
def home = run(hostileEnv + [HOME: '/home/jenkins'], [image: '\\ back\\slash $HOME'])
check('bare $VAR is expanded from env', home.argv?.contains('--image=\\ back\\slash /home/jenkins'), "argv=${home.argv}")

// 4. The token: from personalAccessToken via the environment, never on the command line.
def secret = 'hoist_pat_s3cr3t\'$(x)'
def tok = run(codingEnv + [CD_PERSONAL_ACCESS_TOKEN: secret], [image: 'nginx:1', personalAccessToken: '${CD_PERSONAL_ACCESS_TOKEN}'])
check('token reaches hoist through CD_PERSONAL_ACCESS_TOKEN', tok.token == secret, "token=${tok.token}")
check('token is not in the command line', !tok.script.contains('s3cr3t') && !tok.argv.any { it.contains('s3cr3t') }, tok.script)
def literal = run(codingEnv, [image: 'nginx:1', personalAccessToken: 'hoist_pat_literal'])
check('a literal personalAccessToken is passed the same way', literal.token == 'hoist_pat_literal' && !literal.script.contains('literal'), literal.script)

// 5. Hoist's additions and flags.
def extra = run(codingEnv, [image: 'nginx:1', server: 'https://hoist.example.com', timeout: '5m', rollbackOnFailure: true, restartIfUnchanged: 'true', noWait: false])
check('server/timeout/flags become options', extra.argv == ['deploy', '--image=nginx:1', '--server=https://hoist.example.com', '--timeout=5m', '--rollback-on-failure', '--restart-if-unchanged'], "argv=${extra.argv}")
def cli = run(codingEnv + [HOIST_CLI: "${work.path}/hoist".toString()], [image: 'nginx:1'])
check('HOIST_CLI chooses the executable', cli.argv == ['deploy', '--image=nginx:1'], "argv=${cli.argv}")

// 6. Errors: unknown parameters and unset variables fail before anything runs.
def typo = run(codingEnv, [image: 'nginx:1', aplication: 'x'])
check('unknown parameter fails the step naming it', typo.result instanceof StepFailed && typo.result.message.contains('unknown parameter(s) aplication') && typo.script == null, "${typo.result}")
def unset = run([:], [image: '${REG}/web:${TAG}', pipelineName: '${PROJECT_NAME}-x'])
check('unset variables fail the step naming them', unset.result instanceof StepFailed && unset.result.message == 'cdDeploy: pipelineName: PROJECT_NAME is not set in the environment; image: REG, TAG are not set in the environment' && unset.script == null, "${unset.result?.message}")

// 7. One message per exit code; returnStatus hands the code back instead.
[1: 'bad or missing parameters', 2: 'could not be reached', 3: 'the release failed', 4: 'did not finish in time', 5: 'Hoist refused the deploy', 9: 'hoist exited with 9'].each { code, text ->
    def r = run(codingEnv, [image: 'nginx:1'], code)
    check("exit ${code} fails the build with its message", r.result instanceof StepFailed && r.result.message.startsWith('cdDeploy: ') && r.result.message.contains(text), "${r.result}")
}
def status = run(codingEnv, [image: 'nginx:1', returnStatus: true], 3)
check('returnStatus: true returns the exit code', status.result == 3, "${status.result}")

work.deleteDir()
println(failures ? "${failures.size()} check(s) failed" : 'all checks passed')
System.exit(failures ? 1 : 0)
