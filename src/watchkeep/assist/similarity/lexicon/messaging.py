"""Messaging, caching and CDNs: lag, poison messages, evictions, stampedes, edge caching."""

CONCEPTS: dict[str, str] = {
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
}
