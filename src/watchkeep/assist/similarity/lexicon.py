"""A small SRE concept lexicon: different phrasings of one failure mode, mapped to one concept.

People describe the same cause in many ways: "OOMKilled", "out of memory", "exit code
137", "killed by the kernel OOM killer". Each concept lists the phrasings an on-call
engineer would recognise as the same thing — error strings that common platforms print
(Linux, Kubernetes, JVM, Node, Postgres, MySQL, Kafka, the big clouds), the jargon of
the failure mode, and plain-English descriptions. Matching adds a concept term (`~oom`)
next to the words, so two incidents that share a concept match even when they share no
word. A concept's weight comes from its rarity, like any term: broad ones ("latency",
"deploy") weigh little.

Principle: entries are general domain knowledge, never the wording of one incident. A
phrase belongs here when any SRE would agree it names the concept.

Pattern syntax: words are normalised like incident text (lower case, split, stemmed);
`word*` matches any word starting with `word`, as written or stemmed; `...` skips up to
three words; `=word` matches that word only as written (`=logging`, not `logged`, which
stems alike). One-word phrases are also tried on the unsplit parts of identifiers
(`outofmemory*` finds `java.lang.OutOfMemoryError`). A phrase may appear under more than
one concept. Phrases are separated by `|`.
"""

_CONCEPTS: dict[str, str] = {
    # memory and runtimes
    "oom": """
        oom | oomkill* | out of memory | outofmemory* | oom killer | exit code 137 | exit 137 |
        exitcode 137 | code 137 | sigkill | signal 9 | killed process | memory limit |
        memory exhausted | cannot allocate memory | heap out of memory | heap space |
        allocation failed | memory cgroup | memory pressure | killed by the kernel |
        oom killed | memory limit exceeded | exceeded ... memory | memoryerror |
        reached heap limit | container killed | exit status 137 | evicted ... memory
    """,
    "memory-leak": """
        memory leak* | leak* memory | memory ... grow* | memory ... climb* |
        memory ... increas* | memory creep* | memory ... creep* | rss | resident memory |
        resident set | heap ... grow* | heap dump | never evict* | never freed |
        never released | unbounded | retained | sawtooth | memory usage | memory ... steadily |
        memory ... keeps growing | memory ... over time | leak | leaks | leaking |
        heap ... keeps | rss ... grow* | memory footprint
    """,
    "gc": """
        gc | garbage collect* | stop the world | full gc | gc pause* | g1 | g1gc | zgc |
        parallelgc | shenandoah | old gen | old generation | young gen | young generation |
        tenured | gen2 | gen 2 | time in gc | safepoint* | gc overhead | collection pause* |
        pause full | evacuation pause | heap | humongous | large object heap | allocation rate |
        jvm | stop the world pause* | cms gc | cms collector | concurrent mark sweep | gc log* |
        gc time | jvm pause* | major gc | minor gc | long pauses | heap size | xmx
    """,
    # certificates and TLS
    "tls": """
        tls | ssl | https | x509 | pkix | handshake* | certif* | cert | certs | mtls |
        truststore | trust store | keystore | ca bundle | secure connection |
        sslhandshakeexception | certificate verify failed | cert verify*
    """,
    "cert-expiry": """
        certif* ... expir* | cert ... expir* | expir* ... certif* | expir* cert* |
        has expired or is not yet valid | validity check failed | err cert date invalid |
        cert date invalid | certificate is not valid | notafter | not after | certexpir* |
        cert manager | letsencrypt | lets encrypt | acme | connection is not private |
        ssl error expired | expired cert* | certif* ... renew* | renew* ... certif* |
        cert* renew* | certif* ... expired | expired ... certif* | valid until | not renewed |
        auto renew* | certbot | =expiring
    """,
    "cert-chain": """
        intermediate* | certif* chain | cert chain | chain | fullchain | local issuer |
        unable to verify the first certificate | pkix path building | certification path |
        unknown authority | unknown ca | self signed | untrusted | root ca | curl 60 |
        issuer certificate | trust anchor | older android* | old android* | older device* |
        old device* | older client* | legacy client* | some clients | certain clients |
        certificate verify failed | unable to get issuer | chain of trust |
        missing ... intermediate | ca certificate | trusted root | root certificate |
        cross signed
    """,
    # storage
    "disk-full": """
        disk full | disk is full | disk ... full | no space left | no space | enospc |
        out of disk | out of space | disk space | filesystem ... full | file system ... full |
        filesystem ... out of space | diskpressure | disk pressure | disk usage |
        volume ... full | watermark | flood stage | read only | inode* | misconf |
        could not extend file | ephemeral storage | log ... fill* | fill* ... disk |
        disk ... 100 | no free space | out of storage | storage full | volume ... 100 |
        pvc ... full | disk ... filling
    """,
    # databases
    "db": """
        database | db | postgr* | mysql | mariadb | sql | rds | aurora | mongo* | cassandra |
        dynamodb | pg | oracle | sqlserver
    """,
    "conn-pool": """
        connection pool* | pool exhaust* | exhaust* ... pool | hikari* | dbcp | c3p0 |
        pgbouncer | pgpool | proxysql | too many clients | too many connections |
        connection slots | max connections | max_connections | idle object | getconnection |
        cl waiting | pool size | pool ... timeout | queuepool | connection limit |
        connections ... exhaust* | connection leak* | pool ... wait* |
        waiting for ... connection | maxpoolsize | pool max | pool is full | unable to acquire |
        could not get ... connection | cannot get a connection | connection is not available |
        waiting for a connection | pool ... saturated | connections ... maxed
    """,
    "deadlock": """
        deadlock* | lock wait timeout | 40p01 | 1205 | 1213 | try restarting transaction |
        lock order* | could not serialize | serialization failure | 40001 | opposite order |
        deadlock victim | concurrent update*
    """,
    "db-lock": """
        lock | locks | lock* | metadata lock | table lock | row lock | lock timeout |
        access exclusive | lock wait | block* | waiting for | contention* | waiting for table |
        blocked by | lock queue
    """,
    "schema-migration": """
        migrat* | alter table | alter | ddl | schema change* | schema | add column | add index |
        create index | flyway | liquibase | alembic | gh ost | online schema change |
        pt online schema change | metadata lock | backfill | during ... migration |
        index build | rewrite table | column ... added
    """,
    "slow-query": """
        slow quer* | slowquer* | full table scan | table scan | seq scan | sequential scan |
        collscan | full scan | explain | query plan | missing index | without an index |
        no index | unindexed | index* | n+1 | query time | rows examined | filesort | slow log |
        execution plan | query ... slow | db cpu | database cpu | statement timeout |
        rows scanned | heavy query | unoptimi*
    """,
    "replication": """
        replica* | replicat* | seconds behind master | wal | binlog | standby
    """,
    # messaging
    "kafka": """
        kafka | consumer group* | consumergroup | partition* | offset* | topic* | rebalanc* |
        broker* | msk | confluent | kinesis | pubsub | pub sub
    """,
    "consumer-lag": """
        lag | lagging | consumer lag | behind | backlog* | queue depth | falling behind |
        stale | oldest message | age of oldest | iterator age | unprocessed | delay* | late |
        catch up | caught up | messages ... behind | processing ... delayed | not processed |
        hours late | minutes late | events ... late
    """,
    "queue": """
        queue* | sqs | rabbitmq | amqp | celery | sidekiq | resque | job queue | worker* |
        message* | dlq | dead letter* | redeliver* | requeue* | nack | visibility timeout |
        redrive | consumer* | enqueue*
    """,
    "poison-message": """
        poison* | malformed | bad message | same message | same job | same offset | redeliver* |
        requeue* | retried forever | retry forever | retries forever | dead letter* | dlq |
        redrive | deserializ* | serializationexception | unknown magic byte | invalid payload |
        corrupt* message | stuck at offset | again and again | over and over | repeatedly |
        same ... id | keeps failing | retry loop | infinite retr* | retried indefinitely |
        head of line | stuck on | blocks the queue | blocking the queue
    """,
    # caching and CDN
    "cache": """
        cache* | caching | redis | memcache* | hit ratio | cache miss* | miss rate | evict* |
        ttl | flushall | varnish | cache hit*
    """,
    "cache-stampede": """
        stampede | thundering herd | dogpile | cold cache | cache ... cold | empty cache |
        cache ... empty | cache ... flush* | flush* ... cache | flushall | cache miss* |
        coalesc* | pre warm* | prewarm* | warm* ... cache | cache warm* | keys expir* |
        ttl expir* | simultaneous* | all at once | at once | hit ratio | recompute |
        cache ... cleared | cache ... restart* | after ... flush* | thundering |
        origin overload | identical requests | same request* | top of the hour |
        top of each hour | on the hour
    """,
    "cdn": """
        cdn | cloudfront | fastly | akamai | cloudflare | edge | edge cache | cache control |
        purge* | invalidation* | cache key | vary | cors | origin server* | static asset* |
        max age | s maxage | surrogate | pop | other users | other customers | another user* |
        another customer* | someone else* | wrong account | stale content | stale | still see* |
        still get* | still serv* | old version | outdated | not taking effect | private data |
        origin url* | hitting the origin | origin directly | direct origin |
        directly ... origin | old version* | old content
    """,
    # capacity and compute
    "autoscaling": """
        autoscal* | hpa | horizontal pod autoscaler | cluster autoscaler | karpenter | keda |
        asg | auto scaling | scale out | scale up | scaling | scaled up | scaled out |
        max replicas | maxreplicas | replica count | capacity | pending | cold start* |
        warm up | warmup | provisioned concurrency | reserved concurrency | concurrency limit |
        cooldown | instance count | new pods | new instances | new nodes | lambda ... throttl* |
        concurrent executions | scale ... too slow* | scaled ... late | replicas ... max* |
        not enough capacity | capacity ... caught up | slow to scale | took ... to scale |
        scaling ... lag* | max ... instances | at max | pods ... pending | instances ... boot*
    """,
    "traffic-spike": """
        traffic spike | spike in traffic | surge | flash sale | =sale | peak* | ramp* | burst* |
        campaign | black friday | cyber monday | load spike | traffic ... increas* |
        traffic went | marketing | tv ad* | tv spot | advert* | commercial* | newsletter |
        breaking news | viral | super bowl | holiday* | prime day | singles day | bulk |
        ticket sale* | morning ramp | traffic ... doubl* | traffic ... tripl* | product launch |
        launch day | at launch | sale launch | sale start* | start of the sale |
        sudden traffic | spike ... traffic | rush | high traffic | heavy traffic |
        load ... increas*
    """,
    "cpu-throttling": """
        cpu throttl* | throttl* | cfs | cfs quota | cpu limit* | cpu quota | nr throttled |
        throttled periods | cputhrottling* | steal | steal time | st | noisy neighbo* |
        contention* | shared node* | co locat* | colocat* | cpu starv* | cpuset | same node* |
        same host* | some nodes | certain nodes | throttling ... cpu | below ... limit |
        idle cpu | only on ... nodes | busy neighbo* | shared host* | hypervisor | vcpu |
        burst credit* | cpu credit* | nodes that also | also run* on | co scheduled
    """,
    "crashloop": """
        crashloop* | crash loop* | restart* | crash* | keep* restarting | pod restart* |
        exit code | died | die
    """,
    "kubernetes-capacity": """
        pending | containercreating | unschedulable | insufficient cpu | insufficient memory |
        failedscheduling | can t schedule | cannot schedule | node pool | nodepool |
        can t grow | cannot grow | cannot launch | can t launch | failed to launch |
        fail* to scale
    """,
    # networking
    "dns": """
        dns | no such host | nxdomain | servfail | getaddrinfo | eai again | enotfound |
        unknownhost* | unknown host | could not resolve | resolv* |
        could not translate host name | name resolution | name or service not known | coredns |
        kube dns | ndots | route53 | route 53 | nameserver* | dnsmasq | nodelocaldns |
        host not found | hostname | resolve ... fail* | resolution ... fail* |
        dns ... timeout* | lookup ... timeout* | nslookup | dig | dns server* | dns lookup* |
        mx lookup* | host lookup* | name lookup* | lookup ... no such host | srv lookup*
    """,
    "subnet-ip": """
        ip address* | ip exhaust* | out of ip* | subnet* | cidr | free ip* | free address* |
        insufficient free address* | no available ip | assign an ip | assign ip | ip pool |
        warm ip | eni | vpc cni | aws node | ipam | pod cidr | secondary range | address space |
        ip allocation | allocate ip | free addresses | no more ip* | ran out of ip* |
        ip ... exhausted | ip space
    """,
    "load-balancer": """
        load balancer* | lb | alb | elb | nlb | target group* | targets | haproxy | envoy |
        ingress | backend* | upstream* | rotation
    """,
    "health-check": """
        health check* | healthcheck* | health endpoint | health | healthz | readiness |
        liveness | probe* | unhealthy | healthy | unhealthyhostcount | out of rotation |
        pulled out | deregist* | marked down | flapping | flap* | failing ... checks |
        failed health check* | marked unhealthy | taken out of | removed from ... pool |
        no healthy | all backends
    """,
    "fd-exhaustion": """
        too many open files | open files | emfile | enfile | file descriptor* | fd | fds |
        ulimit | nofile | close wait | socket* leak* | leak* socket* | max number of clients |
        maxclients | fd limit | limitnofile | errno 24 | socket* | file handle* |
        ephemeral port* | port exhaustion
    """,
    "network": """
        packet loss | network* | connectivit* | unreachable | connection refused |
        connection reset | econnrefused | econnreset | blip
    """,
    "cloud-outage": """
        availability zone | az | zone* | zonal | region* | aws | gcp | azure | cloud provider |
        aws health | personal health | insufficientinstancecapacity | insufficient capacity |
        degrad* | ebs | slow down | internalerror | multi az | failover | us east 1* |
        eu west 1* | europe west* | use1 az* | cloud outage | aws outage | region outage |
        zone outage | az outage | single az | one az | one zone | service health
    """,
    "split-brain": """
        split brain | two master* | two primar* | two leader* | multiple master* |
        dual primar* | both primar* | both leader* | second master | second primary |
        network partition* | fencing | stonith | quorum | minimum master nodes |
        leader election | divergen* | conflicting | sentinel* | patroni | pacemaker | etcd |
        zookeeper | both believed | both ... accept* | =promoted | =promote | =promoting |
        =promotes | two ... primar* | two ... master* | two ... leader* | both ... primar* |
        both ... master* | both ... leader* | dual write* | diverged | inconsistent ... data |
        lost writes | writes ... lost
    """,
    # time
    "clock-skew": """
        clock skew | clock drift | time drift | time skew | skew* | ntp* | chrony* | timesync* |
        requesttimetooskewed | time too skewed | used before issued | iat | nbf | not before |
        not yet valid | clock* | system time | drift* | timestamp* | expire* immediately |
        immediately expire* | already expired | expired on arrival | in the future |
        from the future | clock ... ahead | clock ... behind | time ... ahead | out of sync |
        time sync* | single host | only one host | single server
    """,
    "timezone": """
        timezone* | time zone* | tz | dst | daylight saving* | summer time | bst | cest |
        utc offset | utc | spring forward | clocks change* | clocks went | off by an hour |
        off by one hour | previous day | next day | local time | local midnight | tzdata |
        tz database | iana | extra hour | hour missing | duplicated hour | clocks |
        missing hour | dst change | daylight | wrong day | wrong date | hour ahead |
        hour behind | an hour early | an hour earlier | an hour late | an hour later |
        one hour early | one hour earlier | one hour late | one hour later | an hour off |
        by an hour | by one hour | by ... one hour | by ... an hour | dst fall back |
        clocks ... fall back | fall back night | fall back day | fall back transition |
        fell back
    """,
    # change
    "deploy": """
        deploy* | releas* | rollout* | roll out | rolled out | rollback* | roll back |
        rolled back | revert* | canary | #version | new version | went live | hotfix |
        helm upgrade | upgrade* | new build | new release | pushed to prod* | merged | =ship |
        =shipped
    """,
    "code-bug": """
        exception* | nullpointer* | npe | null pointer | typeerror | undefined | nil pointer |
        null | index out of range | out of bounds | panic* | stack trace | stacktrace |
        traceback | regression | bug* | segfault | assertion | unhandled | uncaught |
        blank page* | blank screen | white screen | js error* | javascript error* |
        console error* | 400 | bad request | validation error* | logic error | race condition |
        wrong result* | incorrect result* | returns wrong
    """,
    "config": """
        config* | misconfig* | setting* | feature flag* | flag* | toggle* | launchdarkly |
        unleash | env var* | environment variable* | parameter* | yaml | kill switch |
        percentage | targeting | allowlist | denylist | whitelist | blacklist | typo |
        wrong value | for everyone | to everyone | for all users | to all users | opted out |
        opt out | opted in | segment* | audience | sandbox | staging endpoint | test mode |
        test key* | wrong environment | wrong endpoint | wrong url | force update |
        please update | minimum version | min version | update your app | configuration change |
        config change | config push | set to | turned on | turned off | switched on |
        switched off | flipped | enabled for | no code ... deployed | no deploy* |
        nothing ... deployed | without a deploy | no release
    """,
    # access
    "credentials": """
        credential* | password* | secret* | api key* | access key* | invalidaccesskeyid |
        signaturedoesnotmatch | token* | client secret | service account* | key rotation |
        rotat* | vault | invalid grant | invalid client | invalid token | invalid jwt |
        invalid session* | invalidprovidertoken | authentication fail* | auth fail* |
        permission denied | access denied | unauthori* | 401 | 403 | forbidden | iam | sts |
        expired token | token expir* | password expir* | expired password | apikey* |
        key expir* | expired key | lease expir* | invalid key | oauth | refresh token |
        client credentials | sso | saml | oidc | authentication error | auth error |
        invalid credentials | wrong password | bad credentials
    """,
    # dependencies
    "rate-limit": """
        rate limit* | ratelimit* | 429 | too many requests | quota* | over query limit |
        retry after | per second | per minute | limit exceeded | exceeded ... limit |
        slow down | throttl* | api limit | usage limit | burst limit | rate ... exceeded |
        throttled by | being throttled | too many calls | request limit | calls per
    """,
    "payment-provider": """
        payment provider | payment processor | payment gateway | psp | acquir* | stripe |
        adyen | braintree | paypal | worldpay | authorize net | 3ds | 3 d secure | apple pay |
        google pay | card authori* | decline* | issuer | processor | charge* | payment* | card |
        cards | authorisation* | authorization fail* | payment ... fail*
    """,
    "third-party": """
        third party | vendor* | provider* | upstream | external api | partner* | saas |
        carrier* | status page | their side | on their end | their api | external service |
        dependency | supplier
    """,
    # observability and jobs
    "log-volume": """
        log volume | log ingestion | log line* | log messag* | log level | debug | verbose |
        log spam | fluent* | logstash | loki | elk | kibana | splunk | cloudwatch logs |
        ingest* | var log | log rotation | logrotate | log ... growing | logs ... growing |
        log storage | log cost* | log quota | noisy logs | excessive logging | log ... gb |
        =logging
    """,
    "scheduled-job": """
        cron* | cronjob* | scheduled job* | schedul* | nightly | daily job | batch job* |
        batch | job | jobs | timer* | every night | weekly | monthly | hourly | daily |
        every hour | every day | every week | scheduled | scheduler | top of the hour |
        top of each hour | on the hour
    """,
    "duplicate-run": """
        twice | duplicat* | double* | ran twice | run twice | charged twice | overlap* |
        concurrent run* | concurrencypolicy | concurrency policy | idempoten* | two instances |
        two pods | two copies | second run | re run | more than once | multiple times |
        two ... instances | two ... pods | two ... copies | two ... runs | both ran |
        ran concurrently | in parallel | two or three times | two times | three times
    """,
    # symptoms
    "latency": """
        latency | slow* | p99 | p95 | p90 | response time* | timeout* | timed out | time out |
        stall* | hang* | freez* | jitter | spike* | took | taking
    """,
    "server-error": """
        500 | 502 | 503 | 504 | 5xx | internal server error | bad gateway |
        service unavailable | gateway timeout | error rate | error budget
    """,
}

CONCEPTS: dict[str, tuple[str, ...]] = {
    concept: tuple(phrase.strip() for phrase in phrases.split("|") if phrase.strip())
    for concept, phrases in _CONCEPTS.items()
}
"""Each concept with its phrases."""

CONTEXT: frozenset[str] = frozenset(
    {
        "tls", "db", "kafka", "queue", "cache", "network", "load-balancer", "traffic-spike",
        "deploy", "config", "third-party", "scheduled-job", "latency", "server-error",
    }
)  # fmt: skip
"""Concepts that say where a failure shows or what it looks like (a technology, a symptom,
a recent change) rather than what went wrong: shared by many unrelated incidents, they
weigh as words do, and they alone never make incidents one problem."""
