"""Capacity and compute: scaling, scheduling, throttling, saturation, pools."""

CONCEPTS: dict[str, str] = {
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
}
