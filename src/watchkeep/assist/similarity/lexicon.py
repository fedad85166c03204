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
`word*` matches any word starting with `word` (after stemming); `...` skips up to three
words; `=word` matches that word only as written (`=logs`, not `logged`). A phrase may
appear under more than one concept. Phrases are separated by `|`.
"""

_CONCEPTS: dict[str, str] = {
    # memory and runtimes
    "oom": """
        oom | oomkill* | out of memory | outofmemory* | oom killer | exit code 137 | exit 137 |
        exitcode 137 | code 137 | sigkill | signal 9 | killed process | memory limit |
        memory exhausted | cannot allocate memory | heap out of memory | heap space |
        allocation failed | memory cgroup | memory pressure
    """,
    "memory-leak": """
        memory leak* | leak* memory | memory ... grow* | memory ... climb* |
        memory ... increas* | memory creep* | memory ... creep* | rss | resident memory |
        resident set | heap ... grow* | heap dump | never evict* | never freed |
        never released | unbounded | retained | sawtooth | memory usage
    """,
    "gc": """
        gc | garbage collect* | stop the world | full gc | gc pause* | g1 | g1gc | cms | zgc |
        parallelgc | shenandoah | old gen | old generation | young gen | young generation |
        tenured | gen2 | gen 2 | time in gc | safepoint* | gc overhead | collection pause* |
        pause full | evacuation pause | heap | humongous | large object heap | allocation rate
    """,
    # certificates and TLS
    "tls": """
        tls | ssl | https | x509 | pkix | handshake* | certif* | cert | certs | mtls |
        truststore | trust store | keystore | ca bundle
    """,
    "cert-expiry": """
        certif* ... expir* | cert ... expir* | expir* ... certif* | expir* cert* |
        has expired or is not yet valid | validity check failed | err cert date invalid |
        cert date invalid | certificate is not valid | notafter | not after | certexpir* |
        cert manager | letsencrypt | lets encrypt | acme | connection is not private |
        ssl error expired | expired cert* | certif* ... renew* | renew* ... certif* |
        cert* renew*
    """,
    "cert-chain": """
        intermediate* | certif* chain | cert chain | chain | fullchain | local issuer |
        unable to verify the first certificate | pkix path building | certification path |
        unknown authority | unknown ca | self signed | untrusted | root ca | curl 60 |
        issuer certificate | trust anchor
    """,
    # storage
    "disk-full": """
        disk full | disk is full | disk ... full | no space left | no space | enospc |
        out of disk | out of space | disk space | filesystem ... full | file system ... full |
        filesystem ... out of space | diskpressure | disk pressure | disk usage |
        volume ... full | watermark | flood stage | read only | inode* | misconf |
        could not extend file | ephemeral storage | log ... fill* | fill* ... disk
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
        waiting for ... connection | maxpoolsize | pool max
    """,
    "deadlock": """
        deadlock* | lock wait timeout | 40p01 | 1205 | 1213 | try restarting transaction |
        lock order* | could not serialize | serialization failure | 40001 | opposite order
    """,
    "db-lock": """
        lock | locks | lock* | metadata lock | table lock | row lock | lock timeout |
        access exclusive | lock wait | block* | waiting for | contention*
    """,
    "schema-migration": """
        migrat* | alter table | alter | ddl | schema change* | schema | add column | add index |
        create index | flyway | liquibase | alembic | gh ost | online schema change |
        pt online schema change | metadata lock | backfill
    """,
    "slow-query": """
        slow quer* | slowquer* | full table scan | table scan | seq scan | sequential scan |
        collscan | full scan | explain | query plan | missing index | without an index |
        no index | unindexed | index* | n+1 | query time | rows examined | filesort | slow log |
        execution plan
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
        catch up | caught up
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
        same ... id
    """,
    # caching and CDN
    "cache": """
        cache* | caching | redis | memcache* | hit ratio | hit rate | cache miss* | miss rate |
        evict* | ttl | flushall | varnish
    """,
    "cache-stampede": """
        stampede | thundering herd | dogpile | cold cache | cache ... cold | empty cache |
        cache ... empty | cache ... flush* | flush* ... cache | flushall | cache miss* |
        coalesc* | pre warm* | prewarm* | warm* ... cache | cache warm* | keys expir* |
        ttl expir* | simultaneous* | all at once | at once | hit ratio | hit rate | recompute
    """,
    "cdn": """
        cdn | cloudfront | fastly | akamai | cloudflare | edge | edge cache | cache control |
        purge* | invalidation* | cache key | vary | cors | origin server* | static asset* |
        max age | s maxage | surrogate | pop
    """,
    # capacity and compute
    "autoscaling": """
        autoscal* | hpa | horizontal pod autoscaler | cluster autoscaler | karpenter | keda |
        asg | auto scaling | scale out | scale up | scaling | scaled up | scaled out |
        max replicas | maxreplicas | replica count | capacity | pending | cold start* |
        warm up | warmup | provisioned concurrency | reserved concurrency | concurrency limit |
        cooldown | instance count | new pods | new instances | new nodes
    """,
    "traffic-spike": """
        traffic spike | spike in traffic | surge | flash sale | =sale | peak* | ramp* | burst* |
        launch* | campaign | black friday | cyber monday | load spike | traffic ... increas* |
        traffic went | marketing
    """,
    "cpu-throttling": """
        cpu throttl* | throttl* | cfs | cfs quota | cpu limit* | cpu quota | nr throttled |
        throttled periods | cputhrottling* | steal | steal time | st | noisy neighbo* |
        contention* | shared node* | co locat* | colocat* | cpu starv* | cpuset | same node* |
        same host* | some nodes | certain nodes
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
        kube dns | ndots | lookup* | look up | route53 | route 53 | nameserver* | dnsmasq |
        nodelocaldns | host not found | hostname
    """,
    "subnet-ip": """
        ip address* | ip exhaust* | out of ip* | subnet* | cidr | free ip* | free address* |
        insufficient free address* | no available ip | assign an ip | assign ip | ip pool |
        warm ip | eni | vpc cni | aws node | ipam | pod cidr | secondary range | address space |
        ip allocation | allocate ip | free addresses
    """,
    "load-balancer": """
        load balancer* | lb | alb | elb | nlb | target group* | targets | haproxy | envoy |
        ingress | backend* | upstream* | rotation
    """,
    "health-check": """
        health check* | healthcheck* | health endpoint | health | healthz | readiness |
        liveness | probe* | unhealthy | healthy | unhealthyhostcount | out of rotation |
        pulled out | deregist* | marked down | flapping | flap*
    """,
    "fd-exhaustion": """
        too many open files | open files | emfile | enfile | file descriptor* | fd | fds |
        ulimit | nofile | close wait | socket* leak* | leak* socket* | max number of clients |
        maxclients | fd limit | limitnofile | errno 24 | socket*
    """,
    "network": """
        packet loss | network* | connectivit* | unreachable | connection refused |
        connection reset | econnrefused | econnreset | blip
    """,
    "cloud-outage": """
        availability zone | az | zone* | zonal | region* | aws | gcp | azure | cloud provider |
        aws health | personal health | insufficientinstancecapacity | insufficient capacity |
        degrad* | ebs | slow down | internalerror | multi az | failover | us east 1* |
        eu west 1* | europe west* | use1 az*
    """,
    "split-brain": """
        split brain | two master* | two primar* | two leader* | multiple master* |
        dual primar* | both primar* | both leader* | second master | second primary |
        network partition* | fencing | stonith | quorum | minimum master nodes |
        leader election | promot* | divergen* | conflicting | sentinel* | patroni | pacemaker |
        etcd | zookeeper | both believed | both ... accept*
    """,
    # time
    "clock-skew": """
        clock skew | clock drift | time drift | time skew | skew* | ntp* | chrony* | timesync* |
        requesttimetooskewed | time too skewed | used before issued | iat | nbf | not before |
        not yet valid | clock* | system time | drift* | timestamp*
    """,
    "timezone": """
        timezone* | time zone* | tz | dst | daylight saving* | summer time | bst | cest |
        utc offset | utc | fall back | spring forward | clocks change* | clocks went |
        hour early | hour earlier | hour late | hour later | off by an hour | off by one hour |
        previous day | next day | local time | local midnight | tzdata | tz database | iana
    """,
    # change
    "deploy": """
        deploy* | releas* | rollout* | roll out | rolled out | rollback* | roll back |
        rolled back | revert* | canary | #version | new version | went live | hotfix |
        helm upgrade | upgrade* | ship* | new build
    """,
    "code-bug": """
        exception* | nullpointer* | npe | null pointer | typeerror | undefined | nil pointer |
        null | index out of range | out of bounds | panic* | stack trace | stacktrace |
        traceback | regression | bug* | segfault | assertion | unhandled | uncaught
    """,
    "config": """
        config* | misconfig* | setting* | feature flag* | flag* | toggle* | launchdarkly |
        unleash | env var* | environment variable* | parameter* | yaml | kill switch |
        percentage | targeting | allowlist | denylist | whitelist | blacklist | typo |
        wrong value
    """,
    # access
    "credentials": """
        credential* | password* | secret* | api key* | access key* | invalidaccesskeyid |
        signaturedoesnotmatch | token* | client secret | service account* | key rotation |
        rotat* | vault | invalid grant | invalid client | invalid token | invalid jwt |
        invalid session* | invalidprovidertoken | authentication fail* | auth fail* |
        permission denied | access denied | unauthori* | 401 | 403 | forbidden | iam | sts |
        expired token | token expir* | password expir* | expired password | apikey* |
        key expir* | expired key | lease expir* | invalid key
    """,
    # dependencies
    "rate-limit": """
        rate limit* | ratelimit* | 429 | too many requests | quota* | over query limit |
        retry after | per second | per minute | limit exceeded | exceeded ... limit |
        slow down | throttl* | api limit | usage limit | burst limit
    """,
    "payment-provider": """
        payment provider | payment processor | payment gateway | psp | acquir* | stripe |
        adyen | braintree | paypal | worldpay | authorize net | 3ds | 3 d secure | apple pay |
        google pay | card authori* | decline* | issuer | processor | charge* | payment* | card |
        cards
    """,
    "third-party": """
        third party | vendor* | provider* | upstream | external api | partner* | saas |
        carrier* | status page | their side | on their end
    """,
    # observability and jobs
    "log-volume": """
        log volume | log ingestion | =log | =logs | logging | log line* | log messag* |
        log level | debug | verbose | log spam | fluent* | logstash | loki | elk | kibana |
        splunk | cloudwatch logs | ingest* | var log | log rotation | logrotate
    """,
    "scheduled-job": """
        cron* | cronjob* | scheduled job* | schedul* | nightly | daily job | batch job* |
        batch | job | jobs | timer* | every night | weekly
    """,
    "duplicate-run": """
        twice | duplicat* | double* | ran twice | run twice | charged twice | overlap* |
        concurrent run* | concurrencypolicy | concurrency policy | idempoten* | two instances |
        two pods | two copies | second run | re run | more than once | multiple times
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
