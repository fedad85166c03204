"""Networking and time: DNS, addresses, load balancers, connections, partitions, clocks."""

CONCEPTS: dict[str, str] = {
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
}
