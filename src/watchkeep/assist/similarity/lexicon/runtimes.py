"""Memory and runtimes: running out of memory, leaks, garbage collection."""

CONCEPTS: dict[str, str] = {
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
}
