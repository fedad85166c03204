"""Storage and databases: full disks, connections, locks, migrations, queries, replication."""

CONCEPTS: dict[str, str] = {
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
}
