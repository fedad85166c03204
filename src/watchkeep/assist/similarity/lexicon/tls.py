"""Certificates and TLS: expiry, chains, revocation, protocol mismatches."""

CONCEPTS: dict[str, str] = {
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
}
