"""A small SRE concept lexicon: different phrasings of one failure mode, mapped to one concept.

People describe the same cause in many ways: "OOMKilled", "out of memory", "exit code
137", "invoked oom-killer". Each concept lists the phrasings an on-call engineer would
recognise as the same thing — error strings and log messages that common platforms print
(Linux, systemd, Kubernetes, the JVM, Node.js, Python, Go, .NET, PostgreSQL, MySQL,
Redis, MongoDB, Elasticsearch, Kafka, RabbitMQ, SQS, nginx, Envoy, HAProxy, the big
clouds, CDNs, DNS and TLS libraries), common alert and metric names, the jargon of the
failure mode, and the plain-English names of its mechanism. Matching adds a concept term
(`~oom`) next to the words, so two incidents that share a concept match even when they
share no word. A concept's weight comes from its rarity, like any term: broad ones
("latency", "deploy") weigh little.

Principle: entries are general domain knowledge, written without any incident set in
view — never the wording of one incident: not who was affected, when, which business
event or device, nor a vague quantifier ("some clients"). A phrase belongs here when any
SRE would agree it names the concept. A vendor or product name belongs only where it
names the concept by itself (a connection pooler under `conn-pool`, a database under
`db`); a failure-mode concept keeps the error strings a vendor returns, not the vendor.

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
        oom | oomkill* | oom kill* | oom killer | invoked oom killer | out of memory |
        outofmemory* | =killed =process | memory cgroup out of memory | exit code 137 |
        exit status 137 | exitcode 137 | java heap space | gc overhead limit exceeded | metaspace |
        heap out of memory | javascript heap out of memory | reached heap limit |
        ineffective mark compacts near heap limit | allocation failed ... heap |
        cannot allocate memory | enomem | memoryerror | runtime out of memory |
        memory limit exceeded | exceeded ... memory limit | memory quota exceeded |
        low on resource memory | memorypressure | memory pressure | oom command not allowed |
        used memory maxmemory | killed ... out of memory
    """,
    "memory-leak": """
        memory leak* | leak* memory | leak* ... memory | memory ... keeps growing |
        memory ... keeps climbing | memory ... climb* | memory ... grow* over time |
        memory ... grew over time | memory ... steadily | memory creep* |
        memory ... never released | never freed | never garbage collected | rss ... grow* |
        heap ... grow* ... never | goroutine leak* | leaked goroutines | unbounded ... cache |
        unbounded ... grow* | retained objects | heap usage ... climb* | heap usage ... grow* |
        memory ... sawtooth
    """,
    "gc": """
        gc | garbage collect* | stop the world | full gc | gc pause* | gc ... pause* | g1gc |
        g1 evacuation pause | to space exhausted | promotion failed | concurrent mode failure |
        zgc | shenandoah | parallelgc | cms collector | concurrent mark sweep | old gen |
        old generation | tenured | gen2 collection* | large object heap | humongous allocation* |
        time in gc | gc time | gc overhead | safepoint* | pause young | pause full | gc log* |
        jvm gc | gcpause* | gcoverhead* | mark sweep | mark compact | scavenge | gogc | gc assist
    """,
    # certificates and TLS
    "tls": """
        tls | ssl | https | x509 | pkix | handshake* | certif* | cert | certs | mtls | truststore |
        trust store | keystore | key store | ca bundle | openssl | boringssl | secure connection |
        connection is not private | sslhandshakeexception | sslexception | ssl error |
        certificate verify failed | ssl certificate problem
    """,
    "cert-expiry": """
        certif* ... expir* | cert ... expir* | certs ... expir* | expir* ... certif* |
        expir* cert* | has expired or is not yet valid | cert has expired | certhasexpired |
        certificate expired | certificateexpiredexception | err cert date invalid |
        sec error expired certificate | sslv3 alert certificate expired |
        alert certificate expired | validity check failed | notafter | cert* ... renew* |
        renew* ... certif* | renewal ... certif* | acme challenge | ssl cert expiry |
        ssl certificate expiry | probe ssl earliest cert expiry | kubeclientcertificateexpiration |
        certexpir*
    """,
    "cert-chain": """
        unable to get local issuer certificate | unable to get issuer certificate |
        unable to verify the first certificate | unable to verify leaf signature |
        pkix path building failed | unable to find valid certification path |
        signed by unknown authority | unknown authority | unknown ca | alert unknown ca |
        self signed certificate in certificate chain | self signed cert in chain |
        depth zero self signed cert | self signed certificate | err cert authority invalid |
        sec error unknown issuer | certif* chain | cert chain | chain of trust | fullchain |
        intermediate certif* | intermediate cert | intermediate ca | missing intermediate |
        incomplete chain | root ca | root certif* | trusted root | trust anchor | cross signed |
        curl 60 | unable to get local issuer | untrusted certif*
    """,
    "cert-revocation": """
        revoked certif* | certif* ... revoked | cert ... revoked | certificate revoked |
        err cert revoked | sec error revoked certificate | alert certificate revoked | ocsp |
        ocsp stapling | ocsp responder | crl | certificate revocation list | revocation check*
    """,
    "tls-mismatch": """
        no protocols available | unsupported protocol | wrong version number |
        alert protocol version | alert handshake failure | sslv3 alert handshake failure |
        no shared cipher | no cipher suites in common | no ciphers available | cipher mismatch |
        inappropriate fallback | tls version mismatch | minimum tls version | tls ... deprecat* |
        deprecat* ... tls | tlsv1* | sni | server name indication |
        err ssl version or cipher mismatch | err ssl protocol error | wrong ssl version
    """,
    # storage
    "disk-full": """
        disk full | disk is full | disk ... full | no space left | no space left on device |
        enospc | out of disk | out of space | disk space | filesystem ... full |
        file system ... full | filesystem ... out of space | diskpressure | disk pressure |
        nodefilesystemalmostoutofspace | nodefilesystemspacefillingup |
        kubepersistentvolumefillingup | node filesystem almost out of space |
        filesystem space filling up | persistent volume filling up | flood stage | disk watermark |
        high disk watermark | read only allow delete | misconf | unable to persist to disk |
        could not extend file | errcode 28 | table is full | inode* | ephemeral storage |
        low on resource ephemeral storage | fill* ... disk | disk ... fill* | volume ... full |
        pvc ... full | no free space | storage full | freestoragespace | free storage space |
        disk ... 100
    """,
    "io-saturation": """
        iowait | io wait | i o wait | iops | disk io | disk i o | io saturat* | i o saturat* |
        io bound | i o bound | io throttl* | i o throttl* | burst balance | burstbalance |
        disk queue depth | diskqueuedepth | volumequeuelength | volume queue length | disk latency |
        disk ... saturat* | iostat | read latency ... disk | write latency ... disk |
        ebs ... throttl* | fsync ... slow* | slow fsync | wal sync | nodediskiosaturation |
        disk io saturation
    """,
    "data-corruption": """
        data corruption | corrupt* data | corrupted | corruption | checksum mismatch |
        checksum error | checksum failed | crc mismatch | crc error | invalid page header |
        database page corruption | torn page | bit flip | could not read block | inconsistent data |
        data integrity | integrity check failed | fsck | silent corruption | page checksum
    """,
    "index-corruption": """
        index corruption | corrupt* index | index ... corrupt* | amcheck | corruptindexexception |
        index is corrupt | collation change | collation version | glibc ... collation |
        index contains ... unexpected | btree ... corrupt*
    """,
    "backup-failure": """
        backup fail* | backup ... fail* | backups ... fail* | failed backup | restore fail* |
        restore ... fail* | failed restore | backup ... not running | backup ... missing |
        missing backup* | snapshot fail* | snapshot ... fail* | pg dump ... fail* | pg basebackup |
        xtrabackup | mysqldump ... fail* | archive command failed | wal archiv* ... fail* |
        point in time recovery | pitr | untested backup* | backup ... corrupt* |
        backup ... incomplete | could not restore | unrestorable
    """,
    "volume-mount": """
        failedattachvolume | failed attach volume | failedmount | failed mount |
        multi attach error | unable to attach or mount volumes | unable to attach |
        volume is already exclusively attached | already attached to another node |
        volume ... stuck attaching | stuck detaching | failed to mount | mount ... failed |
        mountvolume setup failed | attachvolume attach failed | volumeattachment | stale file handle
    """,
    # databases
    "db": """
        database | databases | db | dbs | postgr* | psql | mysql | mariadb | sql | rds | aurora |
        mongo* | cassandra | dynamodb | pg | oracle | sqlserver | sql server | cockroach* |
        spanner | cloud sql | cosmos db | cosmosdb | clickhouse | elasticsearch | opensearch |
        innodb | scylla*
    """,
    "conn-pool": """
        connection pool* | connectionpool* | pool exhaust* | exhaust* ... pool |
        pool ... exhausted | hikari* | dbcp | c3p0 | pgbouncer | pgpool | proxysql | rds proxy |
        too many clients | too many connections | connection slots |
        remaining connection slots are reserved | max connections | max_connections |
        max client conn | no more connections allowed | cl waiting | idle object |
        timeout waiting for idle object | getconnection | queuepool limit | queuepool |
        connection is not available | unable to acquire jdbc connection |
        unable to acquire ... connection | cannot get a connection | could not get ... connection |
        obtaining a connection from the pool | max pool size | maxpoolsize | pool is full |
        pool ... timeout | pool ... timed out | waiting for a connection |
        connections ... exhaust* | connections ... maxed | connection leak* | leak* connection* |
        pool ... saturat* | max number of clients reached
    """,
    "deadlock": """
        deadlock* | deadlock detected | deadlock found when trying to get lock |
        try restarting transaction | deadlock victim | chosen as the deadlock victim | 40p01 |
        1213 | lock order* | opposite order | lock inversion | could not serialize access |
        serialization failure | 40001 | all goroutines are asleep
    """,
    "db-lock": """
        lock wait timeout | lock wait timeout exceeded | innodb lock wait timeout | metadata lock |
        waiting for table metadata lock | table metadata lock | table lock* | row lock* |
        lock timeout | lock_timeout | canceling statement due to lock timeout | access exclusive |
        accessexclusivelock | lock queue | lock contention | blocked by ... lock | blocking quer* |
        blocked quer* | waiting for ... lock | holding ... lock* | lock* held |
        idle in transaction | long running transaction* | pg locks | sharelock | lock escalation
    """,
    "schema-migration": """
        schema migrat* | database migrat* | db migrat* | migration script* | migrations ran |
        migration ... lock* | alter table | ddl | schema change* | add* ... column |
        add* ... index | create index | drop column | rename column | drop table |
        not null constraint | column does not exist | undefinedcolumn | unknown column |
        table rewrite | rewrite* ... table | online schema change | gh ost |
        pt online schema change | flyway | liquibase | alembic | db migrate | rake db migrate |
        manage py migrate | backfill* | index build | new column
    """,
    "slow-query": """
        slow quer* | slowquer* | slow query log | long running quer* | full table scan |
        table scan | seq scan | sequential scan | collscan | full scan | missing index |
        without an index | no index | unindexed | query plan | execution plan | plan regression |
        plan change | bad plan | plan flip | parameter sniffing | n+1 quer* | n+1 problem |
        rows examined | rows scanned | using filesort | using temporary | explain analyze |
        statement timeout | canceling statement due to statement timeout | query timeout |
        query ... timed out | stale statistics | outdated statistics | pg stat statements |
        expensive quer* | quer* ... slow
    """,
    "replication": """
        replication lag | replica lag | replicalag | replica ... behind | replica* ... lagging |
        seconds behind master | seconds behind source | secondsbehindmaster | replication delay |
        replication ... broken | replication ... stopped | replication ... fail* |
        slave sql running | replica io running | replication slot* | wal ... pile* | wal sender |
        walreceiver | wal receiver | under replicated | underreplicat* | isr shrink* |
        out of sync replica* | stale read* | read replica ... stale | oplog ... behind |
        replication ... error
    """,
    "vacuum": """
        autovacuum | vacuum | vacuum freeze | wraparound | transaction id wraparound |
        xid wraparound | not accepting commands to avoid wraparound | dead tuples | table bloat |
        index bloat | n dead tup | relfrozenxid | multixact
    """,
    "integer-overflow": """
        integer overflow | int overflow | overflow* ... int* | out of range for type integer |
        numeric value out of range | out of range value for column | 2147483647 | int32 max |
        max int | reached maximum value of sequence | sequence ... exhausted |
        auto increment ... exhausted | auto increment ... max* | primary key ... exhausted |
        id space ... exhausted | ids ran out | integer ... wrap* | 32 bit ... overflow* | y2038 |
        year 2038
    """,
    "shard-allocation": """
        unassigned shard* | shard* ... unassigned | cluster ... red | cluster health red |
        clusterstatus red | cluster status red | shard allocation | shard allocation fail* |
        elasticsearchclusterhealthred | no shard available | allocation explain |
        primary shard is not active | noshardavailableactionexception
    """,
    # messaging
    "kafka": """
        kafka | consumer group* | consumergroup | broker* | topic* | msk | confluent | kinesis |
        pubsub | pub sub | event hub* | eventhub* | pulsar | nats | redpanda | kafka partition* |
        topic partition*
    """,
    "consumer-lag": """
        consumer lag | consumerlag | kafkaconsumerlag | consumer group lag | consumergroup lag |
        kafka consumergroup lag | records lag | records lag max | offset lag | lag ... partition* |
        consumer* ... lagging | consumer* ... behind | consumer* ... falling behind |
        falling behind | fell behind | messages ... behind | queue depth | queue backlog |
        backlog ... grow* | backlog ... built | growing backlog | iterator age | iteratorage* |
        age of oldest message | approximateageofoldestmessage | oldest unacked message age |
        num undelivered messages | approximatenumberofmessagesvisible | messages ready |
        unprocessed messages | unconsumed messages | catching up | kafka ... lag* |
        topic* ... lag* | consumer* ... stuck | not consuming | stopped consuming |
        committ* ... offset* | offset* ... committ*
    """,
    "consumer-rebalance": """
        rebalance storm | rebalancing storm | rebalancing loop | rebalance loop |
        consumer rebalanc* | consumer group rebalanc* | group ... rebalanc* |
        consumer* ... rebalanc* | rebalanc* ... consumer* | constant* rebalanc* |
        continuous* rebalanc* | repeated* rebalanc* | rebalanc* ... partition* | max poll interval |
        max poll interval ms | commitfailedexception | member ... left the group | leaving group |
        heartbeat ... expired | session timeout ... consumer | rebalanceinprogress* |
        rebalance in progress | group coordinator | generation id
    """,
    "queue": """
        queue* | sqs | rabbitmq | amqp | celery | sidekiq | resque | bullmq | job queue | worker* |
        consumer* | producer* | enqueue* | dequeue* | visibility timeout | service bus |
        message broker | task queue
    """,
    "poison-message": """
        poison message* | poison pill | poison* ... message* | dead letter* | deadletter* | dlq |
        redrive | maxreceivecount | max receive count | redeliver* | requeue* |
        deserializ* ... fail* | deserialization error | deserializationexception |
        serializationexception | recorddeserializationexception | unknown magic byte |
        malformed message* | malformed payload | malformed event* | invalid payload |
        corrupt* message | stuck at offset | stuck on ... message | head of line | retried forever |
        retries forever | infinite retr* | nack* ... requeue
    """,
    # caching and CDN
    "cache": """
        cache* | caching | redis | memcache* | varnish | hit ratio | hit rate | cache miss* |
        cache hit* | ttl | elasticache | valkey
    """,
    "cache-eviction": """
        evicted keys | evicted_keys | evictedkeys | evicting keys | key eviction* |
        cache ... evict* | evict* ... cache | maxmemory | maxmemory policy | allkeys lru |
        volatile lru | cache memory ... full | cache hit ratio ... drop*
    """,
    "cache-stampede": """
        stampede | cache stampede | thundering herd | dogpile | dog pile | cold cache |
        cache ... cold | cache warm* | warm* ... cache | cache ... flush* | flushall | flushdb |
        flush* ... cache | cache ... cleared | cache ... wiped | mass expir* |
        keys expir* ... same time | expir* ... same time | request coalesc* | singleflight |
        single flight | miss storm | cache miss storm | hit ratio ... drop* | hit rate ... drop* |
        hit ratio ... fell | hit rate ... fell | cache ... restart*
    """,
    "cdn": """
        cdn | edge cache | edge caching | cdn cache | cache control | cache control private |
        s maxage | max age | surrogate key | surrogate control | vary header | cache key | x cache |
        cf cache status | origin shield | cache poisoning | cache deception | cached ... private |
        private ... cached | serving stale | stale content | stale while revalidate | stale asset* |
        cdn ... purg* | purg* ... cdn | cache purge | cache invalidation | invalidation ... cdn |
        cdn ... invalidat* | edge ... stale | bypass* ... cdn | origin ... overload*
    """,
    # capacity and compute
    "autoscaling": """
        autoscal* | hpa | horizontal pod autoscaler | cluster autoscaler | karpenter | keda | asg |
        auto scaling | auto scaling group | scaling policy | did not scale | didnt scale |
        failed to scale | not scaling | scaling ... fail* | target tracking | maxreplicas |
        max replicas | kubehpamaxedout | hpa maxed out | kubehpareplicasmismatch |
        failedgetresourcemetric | failedcomputemetricsreplicas | unable to get metrics |
        desired capacity | cooldown | cold start* | warm pool | provisioned concurrency |
        reserved concurrency | concurrentexecutions | concurrent executions | scale ... too slow* |
        slow to scale | scaling ... lag* | scal* ... delay* | at max replicas | max ... instances |
        scale down ... too | scaled down ... too
    """,
    "kubernetes-capacity": """
        unschedulable | failedscheduling | failed scheduling | insufficient cpu |
        insufficient memory | insufficient nvidia | nodes are available |
        didnt match node selector | didnt match pod affinity | had taint* | didnt tolerate |
        cant schedule | cannot schedule | could not schedule | nottriggerscaleup |
        pod didnt trigger scale up | max node group size | node group ... max* |
        insufficientinstancecapacity | insufficient instance capacity | insufficient capacity |
        zone resource pool exhausted | resource pool exhausted | allocationfailed |
        skunotavailable | out of capacity | failed to launch | cannot launch | cant launch |
        fail* to scale up | too many pods | outofpods | kubecpuovercommit | kubememoryovercommit
    """,
    "traffic-spike": """
        traffic spike* | spike* in traffic | spike* ... traffic | traffic surge* |
        surge* in traffic | surge* ... traffic | load spike* | spike* in load | sudden traffic |
        traffic ... increas* | traffic ... doubl* | traffic ... tripl* | request rate ... increas* |
        rps ... spik* | qps ... spik* | traffic burst* | burst* ... traffic | high traffic |
        heavy traffic | peak traffic | peak load | flash crowd | hug of death | slashdot effect |
        viral | load ... increas* | request volume ... increas* | unexpected load |
        unexpected traffic
    """,
    "cpu-throttling": """
        cpu throttl* | throttl* ... cpu | cputhrottl* | cpu throttling high | cfs | cfs quota |
        cfs period | nr throttled | throttled periods | throttled time |
        container cpu cfs throttled | cpu limit* | cpu quota | limits cpu | cpu credit* |
        cpucreditbalance | burst credit* | cpu credit balance | burstable instance*
    """,
    "cpu-saturation": """
        cpu saturat* | cpu ... saturat* | high cpu | cpu ... 100 | cpu pegged | cpu ... pegged |
        pegged ... cpu | cpu maxed | cpu ... maxed | cpu bound | cpu starv* | cpu spike* |
        cpu ... spik* | cpu exhaust* | run queue | load average | high load average | nodecpuhigh |
        hostcpuhigh | hot loop | busy loop | spin* ... cpu | 100 cpu | cpu usage ... high |
        tight loop | infinite loop
    """,
    "noisy-neighbor": """
        noisy neighbo* | busy neighbo* | steal time | cpu steal | stolen cpu |
        hypervisor contention | shared tenancy | co tenant* | resource contention ... node |
        neighbo* ... consum*
    """,
    "thread-pool": """
        thread pool exhaust* | threadpool exhaust* | thread pool ... exhaust* |
        thread pool ... saturat* | thread starv* | threadpool starv* | thread pool starv* |
        all threads busy | all ... threads ... busy | no idle threads | max threads | maxthreads |
        worker threads ... busy | rejectedexecutionexception | rejected execution | task rejected |
        executor ... full | thread pool ... full | request queue ... full | listen queue |
        worker timeout | gunicorn worker timeout | workers ... busy | event loop blocked |
        event loop lag | event loop ... block* | blocked the event loop | threads ... blocked |
        goroutine* ... pile* | goroutine count | unable to create new native thread | thread limit |
        pthread create ... eagain
    """,
    "lock-contention": """
        lock contention | mutex contention | contended lock* | lock ... contended |
        contention on ... lock | synchronized block | synchronized method | blocked threads |
        threads ... blocked on | blocked on ... monitor | waiting to lock | monitor contention |
        global lock | gil contention | distributed lock* | lock ... not released | stale lock |
        lock ... held ... too long | lock ... never released | spinlock*
    """,
    "crashloop": """
        crashloop* | crash loop* | crashloopbackoff | kubepodcrashlooping | pod crash looping |
        back off restarting failed container | backoff restarting | restart loop* |
        restarting ... loop | keeps restarting | keep restarting | kept restarting |
        constantly restarting | restart count | restartcount | restarts ... increas* |
        start request repeated too quickly | scheduling restart | restart counter |
        failed with result exit code | main process exited
    """,
    "image-pull": """
        imagepullbackoff | image pull backoff | errimagepull | err image pull | image pull* |
        failed to pull image | pull access denied | manifest unknown | manifest ... not found |
        toomanyrequests ... pull* | pull rate limit | invalidimagename | image not found |
        back off pulling image | registry ... unavailable | registry ... unreachable
    """,
    "node-failure": """
        node not ready | notready | node* ... notready | node* ... not ready | kubenodenotready |
        kubelet stopped posting node status | nodestatusunknown | node status unknown | node lost |
        lost node | node ... unreachable | node* ... died | node ... failed | instance retirement |
        scheduled retirement | instance ... retired | degraded hardware | hardware failure |
        host failure | host ... failed | system status check | statuscheckfailed |
        status check failed | instance status check | kernel panic | node ... rebooted |
        unexpected reboot | spot interruption | spot instance ... reclaimed |
        preemptible ... terminat* | spot ... terminat* | node ... terminated
    """,
    # networking
    "dns": """
        dns | no such host | nxdomain | servfail | getaddrinfo | eai again | eai noname |
        enotfound | unknownhost* | unknown host | could not resolve | could not resolve host |
        temporary failure in name resolution | could not translate host name | name resolution |
        name or service not known | nodename nor servname | coredns | kube dns | nodelocaldns |
        ndots | nameserver* | resolv conf | dnsmasq | host not found | resolve ... fail* |
        resolution ... fail* | dns ... timeout* | lookup ... timeout* | lookup ... no such host |
        dns lookup* | dns resolution | dns record* | dns server* | dns ... cache | cname |
        dns propagation
    """,
    "subnet-ip": """
        ip exhaust* | ip ... exhausted | ip address exhaustion | out of ip* | ran out of ip* |
        no more ip* | no available ip | no available ip addresses | free ip* |
        insufficientfreeaddressesinsubnet | insufficient free address* |
        failed to assign an ip address | assign an ip | ip pool ... exhaust* | subnet ... exhaust* |
        subnet ... full | subnet is full | subnetisfull | ip space exhausted | ip space |
        secondary range* | pod cidr | warm ip target | ipamd | aws node ... ip | ipam ... exhaust* |
        privateipaddresslimitexceeded | address space ... exhaust*
    """,
    "load-balancer": """
        load balancer* | loadbalancer* | lb | alb | elb | nlb | clb | target group* | haproxy |
        envoy | nginx | traefik | ingress | ingress controller | reverse proxy | front door |
        application gateway | gclb | istio | service mesh | sidecar | proxy
    """,
    "health-check": """
        health check* | healthcheck* | health endpoint | healthz | readyz | livez |
        readiness probe failed | liveness probe failed | readiness probe | liveness probe |
        startup probe | probe failed | unhealthy | unhealthyhostcount | unhealthy host count |
        healthyhostcount | out of rotation | deregist* | marked down | marked unhealthy |
        failing health check* | failed health check* | no healthy upstream | no healthy hosts |
        no live upstreams | no server available | target failedhealthchecks | failedhealthchecks |
        target ... unhealthy | target responsecodemismatch
    """,
    "fd-exhaustion": """
        too many open files | open files limit | emfile | enfile | file descriptor* | fd exhaust* |
        fd leak* | fd limit | fd count | out of file descriptors | ulimit | nofile | limitnofile |
        file max | errno 24 | =close =wait | closewait | socket leak* | leak* socket* |
        file handle* ... leak* | file handle* ... exhaust* | accept ... too many open files |
        max number of clients reached | maxclients
    """,
    "port-exhaustion": """
        ephemeral port* | port exhaustion | source port* ... exhaust* | port ... exhausted |
        cannot assign requested address | eaddrnotavail | address not available | =time =wait |
        timewait | snat port* | snat exhaustion | errorportallocation | error port allocation |
        nat gateway ... port* | ip local port range | local port range | no ports available |
        port allocation
    """,
    "conntrack-full": """
        conntrack | nf conntrack | table full dropping packet | conntrack table full |
        connection tracking table | nf conntrack max | conntrack ... full
    """,
    "conn-refused": """
        connection refused | econnrefused | connectexception | connect connection refused |
        errno 111 | refused to connect | nothing listening | not listening on |
        could not connect to server | no route to host | ehostunreach | upstream connect error
    """,
    "conn-reset": """
        connection reset | connection reset by peer | econnreset | reset by peer | errno 104 |
        broken pipe | epipe | socket hang up | upstream prematurely closed connection |
        connection closed prematurely | disconnect reset before headers | reset before headers |
        unexpected eof | connection aborted | econnaborted | remote end closed connection |
        server closed the connection unexpectedly | connection closed by peer |
        idle timeout ... mismatch | keep alive timeout | keepalive timeout |
        keepalive ... mismatch | tcp rst | rst packet*
    """,
    "network": """
        network* | connectivit* | vpc | firewall* | security group* | nacl | route table* |
        peering | vpn | transit gateway | direct connect | interconnect | express route |
        expressroute | tcp | udp | packets | nic
    """,
    "network-partition": """
        network partition* | netsplit | net split | partitioned network | cannot reach peers |
        lost contact with ... peer* | lost connectivity between | split network |
        isolated from ... cluster | partitioned from | cross az connectivity |
        inter az connectivity | connectivity between ... zones
    """,
    "packet-loss": """
        packet loss | packet drop* | dropped packets | packets dropped | packets ... dropped |
        drop* packets | retransmi* | tcp retransmi* | rx dropped | tx dropped | rx errors |
        interface errors | mtr | lossy | packet ... lost | loss rate | nic errors
    """,
    "mtu": """
        mtu | mtu mismatch | fragmentation needed | frag needed | packet too big | pmtud |
        path mtu | jumbo frame* | mss clamp* | tcp mss | dont fragment | icmp ... fragmentation |
        black hole* | blackhol*
    """,
    "bgp": """
        bgp | bgp session | bgp peer* | route leak | route hijack* | prefix hijack* |
        route withdraw* | withdrew ... routes | withdrawn ... routes | prefix* withdrawn | as path |
        rpki | bgp ... flap* | route flap* | anycast ... route* | peering session
    """,
    "cloud-outage": """
        aws outage | aws health | aws health dashboard | personal health dashboard |
        service health dashboard | status page ... aws | cloud outage | cloud provider outage |
        provider outage | region outage | regional outage | zone outage | zonal outage | az outage |
        availability zone ... outage | availability zone ... impaired | az ... impaired |
        impaired ... az | degraded ... availability zone | single az failure | az failure |
        zone failure | region ... degraded | cloud status
    """,
    "split-brain": """
        split brain | splitbrain | two master* | two primar* | two leader* | multiple master* |
        multiple primar* | dual primar* | dual master* | both primar* | both master* |
        both leader* | second master | second primary | two ... primar* | two ... master* |
        two ... leader* | both ... primar* | both ... master* | both ... leader* | fencing |
        stonith | quorum lost | lost quorum | no quorum | loss of quorum | minimum master nodes |
        conflicting writes | lost writes | writes ... lost | network partition*
    """,
    "failover": """
        failover | fail over | failed over | fails over | switchover | promoted ... replica |
        replica ... promoted | promot* ... primary | new primary | new master | new leader |
        leader election | leader change* | primary ... changed | multi az failover | dns failover |
        standby ... promoted | failback | fail back
    """,
    # time
    "clock-skew": """
        clock skew | clockskew | clock drift | time drift | time skew | skewed clock* | ntp | ntpd |
        chrony* | timesync* | ntp ... unsynchroni* | nodeclockskewdetected |
        nodeclocknotsynchronising | clock not synchronising | clock ... not synchroni* |
        requesttimetooskewed | request time too skewed | used before issued |
        token used before issued | jwt not active | nbf | iat | certificate is not yet valid |
        cert not yet valid | token is not yet valid | immature signature | clock skew too great |
        krb ap err skew | clock ... ahead | clock ... behind | clock* ... out of sync |
        time ... out of sync | system clock | clock ... drift* | clock ... wrong
    """,
    "timezone": """
        timezone* | time zone* | tz | tzdata | tz database | iana time zone | zoneinfo | pytz |
        zoneid | dst | daylight saving* | summer time | spring forward | sprang forward |
        clocks change* | clocks went forward | clocks went back | clocks ... fall back |
        dst ... fall back | utc offset | naive datetime | offset naive | offset aware |
        timezone naive | tz naive | ambiguoustimeerror | nonexistenttimeerror | ambiguous time |
        nonexistent time | off by an hour | off by one hour | an hour off | wrong time zone |
        wrong timezone | dst transition | dst change
    """,
    "leap-time": """
        leap second* | leap smear* | leap year* | leap day
    """,
    # change
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
    # access
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
    # dependencies
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
    # observability and jobs
    "log-volume": """
        log volume | log ingestion | ingestion ... logs | log* ... ingest* | log spam | log flood* |
        flood* ... logs | noisy logs | chatty logs | excessive logging | verbose logging |
        debug logging | debug log* | log level ... debug | loglevel ... debug | log ... gb |
        logs ... gb | log* ... growing | log storage | log cost* | log quota | ingestion quota |
        daily quota ... log* | license violation | logs ... filled | logrotate | log rotation |
        log* ... rotat* | =logging
    """,
    "scheduled-job": """
        cron* | cronjob* | scheduled job* | scheduled task* | schedul* | nightly | daily job |
        batch job* | batch | job | jobs | timer* | systemd timer | every night | weekly | monthly |
        hourly | daily | every hour | every day | every week | scheduled | scheduler | airflow |
        dag | celery beat | quartz | top of the hour | on the hour
    """,
    "duplicate-run": """
        ran twice | run twice | runs twice | executed twice | processed twice | sent twice |
        charged twice | double charg* | double process* | double send | double execution |
        duplicat* ... run* | duplicat* ... execut* | duplicat* ... process* | duplicat* ... job* |
        duplicat* ... messag* | duplicat* ... deliver* | duplicat* ... event* |
        duplicat* ... charg* | duplicat* ... send* | overlapping run* | overlap* ... run* |
        run* ... overlap* | concurrent run* | ran concurrently | concurrencypolicy |
        concurrency policy | forbid | idempoten* | non idempotent | not idempotent | at least once |
        exactly once | more than one instance | two instances ... same job |
        two ... instances ... ran | same job ... twice
    """,
    # symptoms
    "latency": """
        latency | latenc* | slow* | p99 | p95 | p90 | p50 | p999 | tail latency | response time* |
        timeout* | timed out | time out | deadline exceeded | context deadline exceeded |
        deadlineexceeded | stall* | hang* | hung | freez* | jitter | sluggish | unresponsive
    """,
    "server-error": """
        500 | 502 | 503 | 504 | 5xx | internal server error | bad gateway | service unavailable |
        gateway timeout | error rate | error rates | elevated errors | httpcode elb 5xx |
        httpcode target 5xx | http 5xx | error budget | burn rate | upstream error* | unavailable
    """,
}

_RECURRING: dict[str, str] = {
    "autoscaling": "capacity",
    "cache-stampede": "coalesc* | simultaneous*",
    "cert-chain": "intermediate* | chain",
    "cert-expiry": "certif* ... expired",
    "clock-skew": "clock* | drift*",
    "cloud-outage": "availability zone | az",
    "credentials": "vault | secret*",
    "disk-full": "no space",
    "dns": "resolv*",
    "duplicate-run": "twice",
    "fd-exhaustion": "open files | socket*",
    "gc": "heap",
    "health-check": "health | healthy",
    "log-volume": "ingest*",
    "oom": "oom killed",
    "schema-migration": "migrat*",
    "subnet-ip": "subnet* | free address*",
    "timezone": "clocks",
}
"""Plain operations words that people use for these failure modes again and again: kept
from the first lexicon because its incidents showed them recurring within one failure
mode, across many incidents (the benchmark's held-out figures say what they are worth)."""


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split("|") if phrase.strip())


CONCEPTS: dict[str, tuple[str, ...]] = {
    concept: tuple(dict.fromkeys(_phrases(phrases) + _phrases(_RECURRING.get(concept, ""))))
    for concept, phrases in _CONCEPTS.items()
}
"""Each concept with its phrases."""

CONTEXT: frozenset[str] = frozenset(
    {
        "tls", "db", "kafka", "queue", "cache", "network", "load-balancer", "traffic-spike",
        "deploy", "config", "feature-flag", "failover", "third-party", "scheduled-job",
        "latency", "server-error",
    }
)  # fmt: skip
"""Concepts that say where a failure shows or what it looks like (a technology, a symptom,
a recent change) rather than what went wrong: shared by many unrelated incidents, they
weigh as words do, and they alone never make incidents one problem."""
