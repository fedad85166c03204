"""Change, access and dependencies: deploys, bugs, config, credentials, limits, vendors."""

CONCEPTS: dict[str, str] = {
    "deploy": """
        deploy* | releas* | rollout* | roll out | rolled out | rollback* | roll back | rolled back |
        revert* | canary | #version | new version | went live | hotfix | helm upgrade |
        kubectl apply | argocd | argo cd | blue green | upgrade* | new build | pushed to prod* |
        =ship | =shipped | progressdeadlineexceeded | progress deadline exceeded
    """,
    "dependency-drift": """
        dependency version drift | version drift | dependency drift | unpinned | not pinned |
        pin* ... version | floating version | floating tag | latest tag | =latest image |
        transitive depend* | lockfile | package lock | yarn lock | poetry lock | requirements txt |
        go sum | semver | base image ... updat* | base image ... changed | nosuchmethoderror |
        nosuchmethod* | noclassdeffounderror | classnotfoundexception | incompatible version* |
        version conflict* | version mismatch | dependency conflict* | abi ... incompatib* |
        modulenotfounderror | cannot find module | importerror
    """,
    "code-bug": """
        nullpointer* | npe | null pointer | nullreferenceexception | null reference | nil pointer |
        nil pointer dereference | invalid memory address | typeerror |
        cannot read propert* of undefined | cannot read propert* of null |
        undefined is not a function | is not a function | attributeerror | nonetype | keyerror |
        indexerror | index out of range | out of bounds | arrayindexoutofbounds* |
        classcastexception | illegalstateexception | illegalargumentexception | zerodivisionerror |
        division by zero | divide by zero | panic | panicked | goroutine panic | segfault |
        segmentation fault | sigsegv | core dump* | unhandled exception | uncaught exception |
        unhandled promise rejection | unhandledpromiserejection | unhandled rejection | regression |
        bug | bugs | buggy | logic error | off by one | assertion failed | assertionerror |
        stackoverflowerror | stack overflow | recursionerror | maximum recursion depth |
        infinite recursion
    """,
    "race-condition": """
        race condition | data race | race ... between | racy | toctou | time of check |
        check then act | concurrentmodificationexception | concurrent modification | lost update* |
        read modify write | non atomic | not atomic | atomicity
    """,
    "config": """
        config* | misconfig* | configuration change | config change | config push | config drift |
        configmap* | config map | env var* | environment variable* | yaml | helm values |
        values yaml | terraform | tfvars | ansible | puppet | chef | consul | setting change* |
        settings change* | changed ... setting | wrong value | wrong environment | typo |
        parameter group | parameter store
    """,
    "feature-flag": """
        feature flag* | featureflag* | feature toggle* | flag flip* | flipped ... flag |
        flag ... flipped | flag ... enabled | enabled ... flag | flag ... turned on | flag change* |
        flag ... changed | flag ... rolled out | kill switch | killswitch | targeting rule* |
        percentage rollout | flag evaluat* | flag default* | flag ... default
    """,
    "credentials": """
        invalid credentials | bad credentials | wrong password | password authentication failed |
        authentication failed | authentication fail* | auth fail* | authentication error |
        auth error | login failed for user | access denied for user | noauth |
        noauth authentication required | wrongpass | invalid username or password |
        invalidaccesskeyid | invalid access key | signaturedoesnotmatch | expiredtoken |
        expiredtokenexception | security token ... expired | unrecognizedclientexception |
        invalidclienttokenid | invalid client token | invalid grant | invalid client |
        invalid token | invalid jwt | jwt expired | tokenexpirederror | token expir* |
        expired token | expired credential* | credential* expir* | credential* ... expired |
        password expir* | expired password | api key ... invalid | invalid api key |
        api key ... expired | api key ... revoked | revoked ... key | 401 | unauthorized |
        unauthorised | unauthenticated | invalid signature | token ... revoked |
        refresh token ... fail* | credentials ... invalid
    """,
    "permission-denied": """
        permission denied | access denied | accessdenied* | 403 | forbidden |
        is not authorized to perform | not authorized to perform | missing permission* |
        insufficient permission* | insufficient privilege* | authorizationfailed |
        authorization failed | rbac | cannot list resource | cannot get resource |
        cannot create resource | eacces | operation not permitted | eperm | iam ... policy |
        iam role | does not have permission | lacks permission | explicit deny | scp ... deny |
        access ... revoked
    """,
    "secret-rotation": """
        secret rotation | rotated secret* | rotat* ... secret* | secret* ... rotat* | key rotation |
        rotat* ... key* | key* ... rotat* | password rotation | rotat* ... password* |
        password* ... rotat* | rotat* ... credential* | credential* ... rotat* | rotat* ... token* |
        rotation lambda | automatic rotation | stale secret* | stale credential* |
        cached credential* | jwks | signing key ... not found | no matching key |
        unable to find ... signing key | kid ... not found | unknown kid
    """,
    "rate-limit": """
        rate limit* | ratelimit* | rate limited | 429 | too many requests | rate exceeded |
        throttlingexception | throttling exception | requestlimitexceeded | request limit exceeded |
        toomanyrequestsexception | over query limit | retry after | x ratelimit |
        requests per second ... exceeded | api ... throttl* | request* ... throttl* | throttled by |
        being throttled | calls ... throttl* | provisionedthroughputexceeded* |
        provisioned throughput exceeded | rate ... exceeded | exceeded ... rate |
        secondary rate limit | reduce your request rate | too many calls
    """,
    "quota-exceeded": """
        quota exceeded | quotaexceeded* | exceeded ... quota | quota ... exceeded |
        quota ... reached | quota limit | resource exhausted | resourceexhausted | limitexceeded* |
        limit exceeded exception | service quota* | service limit* | account limit* |
        vcpulimitexceeded | instancelimitexceeded | exceeded quota | resourcequota |
        resource quota | usage limit | billing limit | spending limit | insufficient quota
    """,
    "payment-provider": """
        payment provider | payment processor | payment gateway | psp | acquirer* | card declined |
        card declin* | declined transaction* | decline rate | declines ... spik* | do not honor |
        do not honour | insufficient funds | authorization rate | authorisation rate |
        card authori* | card authoris* | issuer unavailable | issuer not available | 3ds |
        3 d secure | three d secure | sca | strong customer authentication | payment* ... declin*
    """,
    "third-party": """
        third party | 3rd party | vendor* | provider* | external api | external service |
        external dependency | partner api | partner* | saas | upstream provider | status page |
        their side | on their end | their api | supplier*
    """,
    "retry-storm": """
        retry storm | retries storm | retry amplification | retry* ... amplif* | amplif* ... retr* |
        retry budget | retry* without backoff | no backoff | without backoff | without jitter |
        no jitter | thundering herd | reconnect storm | reconnection storm |
        reconnect* ... same time | synchroni* retr* | metastable | retr* ... overload* |
        overload* ... retr* | retry loop | retries ... multiplied | retr* ... every layer
    """,
    "cascading-failure": """
        cascading failure* | cascading | cascaded | domino | knock on effect |
        failure ... propagat* | propagat* ... failure | spread to ... services |
        took down ... dependent | brought down ... other | overload ... spread* |
        failures ... spread
    """,
    "circuit-breaker": """
        circuit breaker* | circuitbreaker* | circuit ... open | breaker ... open* |
        breaker ... tripped | tripped ... breaker | circuit ... tripped | breaker ... trip* |
        callnotpermittedexception | hystrix | resilience4j | polly | outlier detection |
        outlier ejection | ejected ... host* | host* ... ejected | half open
    """,
    "hot-partition": """
        hot partition* | hot shard* | hot key* | hotkey* | hot spot* | hotspot* | hot row |
        hot tablet | hot region | partition skew | key skew | data skew | skewed key* |
        skewed partition* | uneven ... distribution | uneven ... partition* |
        single partition ... throttl* | one partition ... all | one shard ... all |
        celebrity problem | heavy hitter* | large key | big key | bigkeys
    """,
    "ddos": """
        ddos | dos attack | denial of service | syn flood | udp flood | http flood |
        layer 7 attack | l7 attack | bot traffic | botnet | malicious traffic |
        credential stuffing | crawler traffic | bad bots | abusive traffic | attack traffic |
        under attack | volumetric attack
    """,
    "regex-backtracking": """
        catastrophic backtracking | regex backtracking | backtracking | redos |
        regular expression denial of service | regex ... cpu | regex ... hang* |
        pathological regex | regex ... exponential
    """,
    "payload-too-large": """
        413 | request entity too large | payload too large | content too large |
        client max body size | 431 | request header fields too large |
        request header or cookie too large | header too large | headers too large |
        upstream sent too big header | large client header buffers | max body size |
        message too large | recordtoolargeexception | message size too large | max request size |
        message max bytes | max message size | body too large | exceeds ... size limit |
        size limit exceeded
    """,
    "cors": """
        cors | blocked by cors policy | access control allow origin |
        no access control allow origin | preflight | cross origin | cross origin request blocked
    """,
}
