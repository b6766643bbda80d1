#!/usr/bin/env python3
"""Offline checks of Vanphong's deployment files, run by .ci/validate-deploy.

Usage: check_deploy.py --repo ROOT --rendered DIR --compose-schema FILE
                       --k8s-version V [--k8s-version V ...]

DIR holds one rendered overlay per file (`kubectl kustomize` output), named
after the overlay (dev.yaml, production.yaml). The checks:

1. Kubernetes schemas: every object against the schemas kubernetes-validate
   ships, in strict mode (unknown fields are errors), for each version given.
   Custom resources it has no schema for are checked against a schema of
   ours in deploy/k8s/schemas/; any other kind without a schema fails.
2. Wiring: every VANPHONG_* variable is a real setting (config.rs); the
   servers listen where their Services, probes and the URLs in the
   ConfigMap say; Services, PDBs and HPAs select or target what exists;
   worker threads follow the CPU limit; the database URL comes from the
   right Secret and PostgreSQL allows enough connections for every pool;
   every server declares its metrics port (VANPHONG_METRICS_LISTEN) and
   the Prometheus annotations that point at it.
3. NetworkPolicies: the allowed connections between the servers (ingress
   and egress together) are exactly the call graph, the database is
   reachable from every Vanphong pod and nothing else from outside, and the
   metrics port from the monitoring namespace only.
4. compose.yaml against the Compose Specification's JSON schema, the same
   wiring checks, and the collector's pipelines (traces to Jaeger, metrics
   served for Prometheus on a published port).

Prints what it checked; exits 1 with every problem listed when one fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import kubernetes_validate
import yaml

# The servers: the gateway and the backend services of the one list of
# services (services/platform/src/services.rs), read by load_service_list
# before any check runs, so a new service's line there is all this needs.
SERVERS: list[str] = []
BACKENDS: list[str] = []
# Who calls whom (besides every backend following the directory on the
# gateway): the gateway forwards to every backend, reporting reads the
# other three, petitions files into documents. A backend not named here
# calls nobody.
CALLS = {
    "reporting": {"documents", "petitions", "finance"},
    "petitions": {"documents"},
}
# Which server each URL setting points at: the directory's, and each
# backend's from its line in the service list.
URL_SETTINGS = {"VANPHONG_DIRECTORY_URL": "gateway"}
# Custom resources: (apiVersion, kind) -> our schema.
CUSTOM_SCHEMAS = {("postgresql.cnpg.io/v1", "Cluster"): "deploy/k8s/schemas/cnpg-cluster.schema.json"}
NAME = "app.kubernetes.io/name"
PART_OF = "app.kubernetes.io/part-of"
OUTSIDE = "(outside)"
DATABASE = "(database)"
# Where Prometheus runs: the namespace the metrics NetworkPolicy admits.
MONITORING = "monitoring"
PROMETHEUS_ANNOTATIONS = ("prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path")

problems: list[str] = []
checked: list[str] = []


def fail(message: str) -> None:
    problems.append(message)


def ok(message: str) -> None:
    checked.append(message)


# ---------------------------------------------------------------- the code


def known_settings(repo: Path) -> set[str]:
    """Every VANPHONG_* variable vanphong reads: the settings of config.rs
    (flags with their variables) and any other name the code reads (such as
    VANPHONG_DOCUMENTS_BLOB_STORE), but not the test suite's."""
    text = (repo / "services/platform/src/config.rs").read_text()
    names = set(re.findall(r'env\s*=\s*"(VANPHONG_[A-Z0-9_]+)"', text))
    if len(names) < 20:
        raise SystemExit(f"found only {len(names)} settings in config.rs: the parser is out of date")
    for folder in ("src", "gateway/src", "services"):
        for source in (repo / folder).rglob("*.rs"):
            if "/tests/" in str(source):
                continue
            names |= set(re.findall(r'"(VANPHONG_[A-Z0-9_]+)"', source.read_text()))
    return {n for n in names if not n.startswith("VANPHONG_TEST_")}


# One line of suite_services!: `name: crate::Type, port, field = "VARIABLE";`
SERVICE_LINE = re.compile(r'^\s*(\w+): [\w:]+, (\d+), \w+ = "(VANPHONG_\w+)";', re.MULTILINE)


def service_list(repo: Path) -> list[tuple[str, int, str]]:
    """The backend services of the one list (suite_services! in
    services/platform/src/services.rs): name, default port and the
    variable naming its URL."""
    text = (repo / "services/platform/src/services.rs").read_text()
    found = [(name, int(port), variable) for name, port, variable in SERVICE_LINE.findall(text)]
    if len(found) < 2:
        raise SystemExit(f"found only {len(found)} services in services/platform/src/services.rs: "
                         "the parser is out of date")
    return found


def load_service_list(repo: Path) -> None:
    """Fills SERVERS, BACKENDS, CALLS and URL_SETTINGS from the service list."""
    services = service_list(repo)
    BACKENDS[:] = [name for name, _, _ in services]
    SERVERS[:] = ["gateway", *BACKENDS]
    unknown = {s for callees in CALLS.values() for s in callees} | set(CALLS)
    unknown -= set(SERVERS)
    if unknown:
        raise SystemExit(f"the call graph names servers that are not in the service list: {sorted(unknown)}")
    CALLS["gateway"] = set(BACKENDS)
    for name in BACKENDS:
        CALLS.setdefault(name, set())
    URL_SETTINGS.update({variable: name for name, _, variable in services})


def default_ports(repo: Path) -> dict[str, int]:
    """The servers' default ports: the services' from the one list of
    services (services/platform/src/services.rs), the gateway's from
    src/suite.rs."""
    ports = {name: port for name, port, _ in service_list(repo)}
    suite = (repo / "src/suite.rs").read_text()
    default = re.search(r'pub const DEFAULT_LISTEN: &str = "127\.0\.0\.1:(\d+)"', suite)
    if default:
        ports["gateway"] = int(default.group(1))
    if set(ports) != set(SERVERS):
        raise SystemExit(
            "could not read every server's default port from services/platform/src/services.rs "
            f"and src/suite.rs: {ports}"
        )
    return ports


# --------------------------------------------------------------- k8s helpers


def load_docs(path: Path) -> list[dict]:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    if not docs:
        raise SystemExit(f"{path}: no objects rendered")
    return docs


def ident(doc: dict) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def pod_spec(doc: dict) -> dict | None:
    if doc["kind"] in ("Deployment", "StatefulSet", "Job", "DaemonSet", "ReplicaSet"):
        return doc["spec"]["template"]["spec"]
    return None


def pod_labels(doc: dict) -> dict:
    return doc["spec"]["template"].get("metadata", {}).get("labels", {})


def selects(selector: dict | None, labels: dict) -> bool:
    """A LabelSelector (matchLabels only; matchExpressions are refused)."""
    if selector is None:
        return False
    if selector.get("matchExpressions"):
        fail(f"matchExpressions are not supported by this checker: {selector}")
        return False
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def env_of(container: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container.get("env", [])}


def validate_schemas(overlay: str, docs: list[dict], repo: Path, versions: list[str]) -> None:
    for version in versions:
        passed = 0
        for doc in docs:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
                passed += 1
            except kubernetes_validate.SchemaNotFoundError:
                key = (doc.get("apiVersion"), doc.get("kind"))
                if key not in CUSTOM_SCHEMAS:
                    fail(f"{overlay}: {ident(doc)} ({key[0]}) has no schema in kubernetes-validate {version} "
                         f"and none in deploy/k8s/schemas")
                    continue
                schema = json.loads((repo / CUSTOM_SCHEMAS[key]).read_text())
                validator = jsonschema.Draft202012Validator(schema)
                errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
                for e in errors:
                    fail(f"{overlay}: {ident(doc)}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
                if not errors:
                    passed += 1
            except kubernetes_validate.ValidationError as e:
                path = "/".join(str(p) for p in e.path)
                fail(f"{overlay}: {ident(doc)} is invalid for Kubernetes {version}: {path}: {e.message}")
            except kubernetes_validate.VersionNotSupportedError:
                raise SystemExit(f"kubernetes-validate has no schemas for Kubernetes {version}")
        ok(f"{overlay}: {passed}/{len(docs)} objects valid (strict) for Kubernetes {version}")


# ------------------------------------------------------------ k8s semantics


def check_overlay(overlay: str, docs: list[dict], settings: set[str], ports: dict[str, int]) -> None:
    by_kind: dict[str, list[dict]] = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    namespaces = [d["metadata"]["name"] for d in by_kind.get("Namespace", [])]
    if len(namespaces) != 1:
        fail(f"{overlay}: expected one Namespace, found {namespaces}")
        return
    namespace = namespaces[0]
    for d in docs:
        if d["kind"] != "Namespace" and d["metadata"].get("namespace") != namespace:
            fail(f"{overlay}: {ident(d)} is not in namespace {namespace}")

    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    services = {d["metadata"]["name"]: d for d in by_kind.get("Service", [])}
    workloads = [d for d in docs if pod_spec(d) is not None]
    configmaps = by_kind.get("ConfigMap", [])
    config = {}
    for cm in configmaps:
        config.update(cm.get("data", {}))

    # Settings are real.
    for cm in configmaps:
        for key in cm.get("data", {}):
            if key.startswith("VANPHONG_") and key not in settings:
                fail(f"{overlay}: ConfigMap {cm['metadata']['name']} sets {key}, which vanphong does not know")
    for w in workloads:
        for c in pod_spec(w)["containers"]:
            for name in env_of(c):
                if name.startswith("VANPHONG_") and name not in settings:
                    fail(f"{overlay}: {ident(w)} sets {name}, which vanphong does not know")

    # Every server's /metrics on the port of VANPHONG_METRICS_LISTEN.
    metrics_listen = config.get("VANPHONG_METRICS_LISTEN", "")
    metrics_port = int(metrics_listen.rsplit(":", 1)[1]) if re.fullmatch(r"0\.0\.0\.0:\d+", metrics_listen) else None
    if metrics_port is None:
        fail(f"{overlay}: the ConfigMap should set VANPHONG_METRICS_LISTEN=0.0.0.0:<port> for Prometheus, "
             f"not {metrics_listen!r}")

    # One Deployment per server, listening where everything else says.
    for server in SERVERS:
        d = deployments.get(server)
        if d is None:
            fail(f"{overlay}: no Deployment for {server}")
            continue
        c = next((c for c in pod_spec(d)["containers"] if c["name"] == "vanphong"), None)
        if c is None:
            fail(f"{overlay}: Deployment {server} has no container named vanphong")
            continue
        if c.get("args") != ["serve", server]:
            fail(f"{overlay}: Deployment {server} runs {c.get('args')}, not ['serve', '{server}']")
        env = env_of(c)
        listen = env.get("VANPHONG_LISTEN", {}).get("value", "")
        port = ports[server]
        if listen != f"0.0.0.0:{port}":
            fail(f"{overlay}: {server} listens on {listen!r}, expected 0.0.0.0:{port}")
        cports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
        serving = {name: p for name, p in cports.items() if name != "metrics"}
        if list(serving.values()) != [port]:
            fail(f"{overlay}: {server} declares container ports {cports}, expected {port} (and metrics)")
        if metrics_port is not None:
            if cports.get("metrics") != metrics_port:
                fail(f"{overlay}: {server} does not declare its metrics port {metrics_port} (named metrics)")
            annotations = d["spec"]["template"].get("metadata", {}).get("annotations", {})
            want = ("true", str(metrics_port), "/metrics")
            got = tuple(annotations.get(a) for a in PROMETHEUS_ANNOTATIONS)
            if got != want:
                fail(f"{overlay}: {server}: pod annotations {dict(zip(PROMETHEUS_ANNOTATIONS, got))} should "
                     f"point Prometheus at :{metrics_port}/metrics")
        for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
            probe = c.get(probe_name)
            if not probe:
                fail(f"{overlay}: {server} has no {probe_name}")
                continue
            if server == "gateway":
                target = probe.get("httpGet", {})
                want = "/readyz" if probe_name == "readinessProbe" else "/healthz"
                if target.get("path") != want or cports.get(target.get("port"), target.get("port")) != port:
                    fail(f"{overlay}: gateway {probe_name} should GET {want} on port {port}: {probe}")
            elif probe.get("grpc", {}).get("port") != port:
                fail(f"{overlay}: {server} {probe_name} should be a gRPC probe on port {port}: {probe}")
        limits = c.get("resources", {}).get("limits", {})
        requests = c.get("resources", {}).get("requests", {})
        if not all(k in limits and k in requests for k in ("cpu", "memory")):
            fail(f"{overlay}: {server} lacks cpu/memory requests or limits")
        threads = env.get("VANPHONG_WORKER_THREADS", {}).get("valueFrom", {}).get("resourceFieldRef", {})
        if threads.get("resource") != "limits.cpu" or threads.get("containerName") != "vanphong":
            fail(f"{overlay}: {server}: VANPHONG_WORKER_THREADS does not follow the CPU limit")
        sc = c.get("securityContext", {})
        psc = pod_spec(d).get("securityContext", {})
        if not (sc.get("readOnlyRootFilesystem") and sc.get("allowPrivilegeEscalation") is False
                and sc.get("capabilities", {}).get("drop") == ["ALL"]
                and (sc.get("runAsNonRoot") or psc.get("runAsNonRoot"))
                and psc.get("seccompProfile", {}).get("type") == "RuntimeDefault"):
            fail(f"{overlay}: {server}: security context is not non-root/read-only/no-capabilities/RuntimeDefault")
        mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
        for needed in ("/tmp", "/var/lib/vanphong", "/etc/vanphong/keys"):
            if needed not in mounts:
                fail(f"{overlay}: {server} does not mount {needed}")
        keyfiles = {i["path"] for v in pod_spec(d).get("volumes", []) if "secret" in v
                    for i in v["secret"].get("items", [])}
        # Every server verifies tokens, presents the service credential and
        # signs its audit checkpoints; only the gateway signs tokens.
        want_keys = {"verifying-key.pem", "service-credential", "audit-key.pem"}
        if server == "gateway":
            want_keys.add("signing-key.pem")
        if keyfiles != want_keys:
            fail(f"{overlay}: {server} mounts keys {sorted(keyfiles)}, expected {sorted(want_keys)}")
        if server == "gateway" and env.get("VANPHONG_SIGNING_KEY_FILE", {}).get("value") != \
                "/etc/vanphong/keys/signing-key.pem":
            fail(f"{overlay}: gateway does not use the mounted signing key")
        if env.get("VANPHONG_SERVICE_CREDENTIAL_FILE", {}).get("value", config.get("VANPHONG_SERVICE_CREDENTIAL_FILE")) != \
                "/etc/vanphong/keys/service-credential":
            fail(f"{overlay}: {server} does not use the mounted service credential")
        if env.get("VANPHONG_AUDIT_KEY_FILE", {}).get("value", config.get("VANPHONG_AUDIT_KEY_FILE")) != \
                "/etc/vanphong/keys/audit-key.pem":
            fail(f"{overlay}: {server} does not use the mounted audit key")
    ok(f"{overlay}: every server has its Deployment, listen address, metrics port, probes, limits, "
       f"worker threads, security context and keys")

    # The migration Job.
    jobs = by_kind.get("Job", [])
    if not any(c.get("args") == ["migrate"] for j in jobs for c in pod_spec(j)["containers"]):
        fail(f"{overlay}: no Job runs `vanphong migrate`")

    # Services select pods and reach a declared port.
    for name, svc in services.items():
        selector = svc["spec"].get("selector", {})
        targets = [w for w in workloads if selector and all(pod_labels(w).get(k) == v for k, v in selector.items())]
        if not targets:
            fail(f"{overlay}: Service {name} selects no pods")
            continue
        for p in svc["spec"]["ports"]:
            tp = p.get("targetPort", p["port"])
            declared = {(q.get("name"), q["containerPort"]) for w in targets for c in pod_spec(w)["containers"]
                        for q in c.get("ports", [])}
            if not any(tp in pair for pair in declared):
                fail(f"{overlay}: Service {name} port {p['port']} targets {tp!r}, which its pods do not declare")
    for server in SERVERS:
        if server not in services:
            fail(f"{overlay}: no Service named {server}")

    # URLs in the settings point at Services on the servers' ports.
    for key, server in URL_SETTINGS.items():
        url = config.get(key)
        if url is None:
            fail(f"{overlay}: the ConfigMap does not set {key}")
            continue
        u = urlparse(url)
        svc = services.get(u.hostname or "")
        if u.scheme != "http" or svc is None:
            fail(f"{overlay}: {key}={url} does not name a Service of the overlay")
            continue
        if svc["spec"].get("selector", {}).get(NAME) != server:
            fail(f"{overlay}: {key}={url}: Service {u.hostname} does not select the {server} pods")
        if u.port not in [p["port"] for p in svc["spec"]["ports"]] or u.port != ports[server]:
            fail(f"{overlay}: {key}={url}: wrong port (the {server} listens on {ports[server]})")
        if key == "VANPHONG_DIRECTORY_URL" and not svc["spec"].get("publishNotReadyAddresses"):
            fail(f"{overlay}: the directory Service must publish not-ready gateway pods, or a cold start deadlocks")
    ok(f"{overlay}: Services select pods on declared ports; VANPHONG_*_URL settings reach them")

    # PDBs and HPAs.
    for pdb in by_kind.get("PodDisruptionBudget", []):
        if not any(selects(pdb["spec"]["selector"], pod_labels(d)) for d in deployments.values()):
            fail(f"{overlay}: PodDisruptionBudget {pdb['metadata']['name']} selects no Deployment")
    pdb_for = {s for s in SERVERS for pdb in by_kind.get("PodDisruptionBudget", [])
               if s in deployments and selects(pdb["spec"]["selector"], pod_labels(deployments[s]))}
    if pdb_for != set(SERVERS):
        fail(f"{overlay}: servers without a PodDisruptionBudget: {sorted(set(SERVERS) - pdb_for)}")
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in by_kind.get("HorizontalPodAutoscaler", [])}
    if set(hpas) != {"gateway", "documents"}:
        fail(f"{overlay}: HorizontalPodAutoscalers target {sorted(hpas)}, expected gateway and documents")
    for target, hpa in hpas.items():
        if target not in deployments:
            fail(f"{overlay}: HPA {hpa['metadata']['name']} targets a missing Deployment {target}")
        elif "replicas" in deployments[target]["spec"]:
            fail(f"{overlay}: Deployment {target} sets replicas although an HPA owns them")
        if hpa["spec"]["minReplicas"] > hpa["spec"]["maxReplicas"]:
            fail(f"{overlay}: HPA {target}: minReplicas > maxReplicas")
    ok(f"{overlay}: PodDisruptionBudgets for every server; HPAs for gateway and documents")

    # Attachments: a local folder is per pod, so several documents replicas
    # need the shared object store.
    if "VANPHONG_DOCUMENTS_BLOB_STORE" in settings and "documents" in deployments:
        d = deployments["documents"]
        most = hpas["documents"]["spec"]["maxReplicas"] if "documents" in hpas else d["spec"].get("replicas", 1)
        c = pod_spec(d)["containers"][0]
        store = env_of(c).get("VANPHONG_DOCUMENTS_BLOB_STORE", {}).get("value", config.get(
            "VANPHONG_DOCUMENTS_BLOB_STORE", "local"))
        if most > 1 and store != "s3":
            fail(f"{overlay}: documents may run {most} replicas but keeps attachments in each pod's folder "
                 f"(set VANPHONG_DOCUMENTS_BLOB_STORE=s3)")
        else:
            ok(f"{overlay}: documents keeps attachments in {store} storage with at most {most} replica(s)")

    # The database: its URL, its connections.
    db_pods = database_pods(overlay, docs)
    url_refs = set()
    for w in workloads:
        if w["metadata"].get("labels", {}).get(PART_OF) != "vanphong":
            continue
        for c in pod_spec(w)["containers"]:
            ref = env_of(c).get("VANPHONG_DATABASE_URL", {}).get("valueFrom", {}).get("secretKeyRef")
            if not ref:
                fail(f"{overlay}: {ident(w)} takes no VANPHONG_DATABASE_URL from a Secret")
            else:
                url_refs.add((ref["name"], ref["key"]))
    clusters = by_kind.get("Cluster", [])
    if clusters:
        cluster = clusters[0]
        want = {(f"{cluster['metadata']['name']}-app", "uri")}
        if url_refs != want:
            fail(f"{overlay}: the database URL comes from {sorted(url_refs)}, expected the CloudNativePG "
                 f"secret {sorted(want)}")
        pools = int(config.get("VANPHONG_DB_MAX_CONNECTIONS", "10"))
        pods = 0
        for name, d in deployments.items():
            pods += hpas[name]["spec"]["maxReplicas"] if name in hpas else d["spec"].get("replicas", 1)
        needed = (pods + len(jobs)) * pools
        max_conn = int(cluster["spec"].get("postgresql", {}).get("parameters", {}).get("max_connections", "100"))
        if needed + 10 > max_conn:
            fail(f"{overlay}: {pods} server pods and {len(jobs)} Job(s) x {pools} connections = {needed}, "
                 f"but max_connections is {max_conn} (keep 10 for the operator and people)")
        else:
            ok(f"{overlay}: PostgreSQL max_connections {max_conn} covers {needed} pooled connections")
    else:
        secrets = {s["metadata"]["name"]: s for s in by_kind.get("Secret", [])}
        for name, key in url_refs:
            if name not in secrets or key not in secrets[name].get("data", {}):
                fail(f"{overlay}: the database URL Secret {name}/{key} is not in the overlay")
    if not db_pods:
        fail(f"{overlay}: no PostgreSQL (StatefulSet named postgres or CloudNativePG Cluster) in the overlay")

    check_network(overlay, namespace, docs, deployments, jobs, db_pods, ports, metrics_port)


def database_pods(overlay: str, docs: list[dict]) -> list[dict]:
    """Labels of the database's pods: the dev StatefulSet's, or those the
    CloudNativePG operator puts on a Cluster's instances."""
    pods = []
    for d in docs:
        if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "postgres":
            pods.append({"labels": pod_labels(d), "ports": {"postgres": 5432}})
        if d["kind"] == "Cluster":
            pods.append({"labels": {"cnpg.io/cluster": d["metadata"]["name"], "cnpg.io/podRole": "instance"},
                         "ports": {"postgres": 5432}})
    return pods


def port_matches(rule_ports: list | None, port: int, named: dict[str, int]) -> bool:
    if not rule_ports:
        return True
    for p in rule_ports:
        if p.get("protocol", "TCP") != "TCP":
            continue
        want = p.get("port")
        if want is None or want == port or named.get(want) == port:
            return True
    return False


def peer_matches(peers: list | None, who: dict, namespace: str) -> bool:
    if peers is None:
        return True
    for peer in peers:
        if "ipBlock" in peer:
            if who["namespace"] == "elsewhere":
                return True
            continue
        ns_ok = (who["namespace"] == namespace if "namespaceSelector" not in peer
                 else selects(peer["namespaceSelector"], who["namespace_labels"]) or peer["namespaceSelector"] == {})
        pod_ok = "podSelector" not in peer or peer["podSelector"] == {} or selects(peer["podSelector"], who["labels"])
        if ns_ok and pod_ok:
            return True
    return False


def allowed(policies: list[dict], src: dict, dst: dict, port: int, namespace: str) -> bool:
    """Whether NetworkPolicies let src open a TCP connection to dst:port."""
    def direction(kind: str, subject: dict, other: dict, key: str, peers_key: str) -> bool:
        if subject["namespace"] != namespace:
            return True  # not governed by this overlay's policies
        relevant = [p for p in policies if kind in p["spec"].get("policyTypes", ["Ingress"])
                    and (p["spec"]["podSelector"] == {} or selects(p["spec"]["podSelector"], subject["labels"]))]
        if not relevant:
            return True
        for p in relevant:
            for rule in p["spec"].get(key, []) or []:
                if peer_matches(rule.get(peers_key), other, namespace) and \
                        port_matches(rule.get("ports"), port, dst["ports"]):
                    return True
        return False
    return direction("Egress", src, dst, "egress", "to") and direction("Ingress", dst, src, "ingress", "from")


def check_network(overlay: str, namespace: str, docs: list[dict], deployments: dict, jobs: list[dict],
                  db_pods: list[dict], ports: dict[str, int], metrics_port: int | None) -> None:
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    ns_labels = {"kubernetes.io/metadata.name": namespace}
    pods: dict[str, dict] = {}
    for name in SERVERS:
        if name in deployments:
            d = deployments[name]
            named = {p.get("name"): p["containerPort"] for c in pod_spec(d)["containers"] for p in c.get("ports", [])}
            pods[name] = {"labels": pod_labels(d), "namespace": namespace, "namespace_labels": ns_labels,
                          "ports": named}
    for j in jobs:
        pods[f"job/{j['metadata']['name']}"] = {"labels": pod_labels(j), "namespace": namespace,
                                                "namespace_labels": ns_labels, "ports": {}}
    pods[OUTSIDE] = {"labels": {"run": "somebody"}, "namespace": "elsewhere",
                     "namespace_labels": {"kubernetes.io/metadata.name": "elsewhere"}, "ports": {}}
    for db in db_pods:
        pods[DATABASE] = {"labels": db["labels"], "namespace": namespace, "namespace_labels": ns_labels,
                          "ports": db["ports"]}
    if set(SERVERS) - set(pods):
        return

    expected = {(OUTSIDE, "gateway")}
    for caller, callees in CALLS.items():
        expected |= {(caller, callee) for callee in callees}
    expected |= {(b, "gateway") for b in BACKENDS}
    actual = set()
    sources = [p for p in pods if p != DATABASE]
    for src in sources:
        for dst in SERVERS:
            if src != dst and allowed(policies, pods[src], pods[dst], ports[dst], namespace):
                actual.add((src, dst))
    for missing in sorted(expected - actual):
        fail(f"{overlay}: NetworkPolicies block {missing[0]} -> {missing[1]}:{ports[missing[1]]}, which is needed")
    for extra in sorted(actual - expected):
        fail(f"{overlay}: NetworkPolicies allow {extra[0]} -> {extra[1]}:{ports[extra[1]]}, which no call needs")
    if DATABASE in pods:
        for src in sources:
            reach = allowed(policies, pods[src], pods[DATABASE], 5432, namespace)
            if src == OUTSIDE and reach:
                fail(f"{overlay}: NetworkPolicies let other namespaces reach PostgreSQL")
            if src != OUTSIDE and not reach:
                fail(f"{overlay}: NetworkPolicies block {src} -> PostgreSQL:5432")
    ok(f"{overlay}: NetworkPolicies allow exactly the call graph ({len(expected)} connections) and "
       f"PostgreSQL from every Vanphong pod only")

    # Prometheus, from its namespace, reaches every server's metrics port
    # and no API port of a backend; nobody else reaches the metrics port.
    if metrics_port is None:
        return
    monitor = {"labels": {"app.kubernetes.io/name": "prometheus"}, "namespace": MONITORING,
               "namespace_labels": {"kubernetes.io/metadata.name": MONITORING}, "ports": {}}
    for server in SERVERS:
        if not allowed(policies, monitor, pods[server], metrics_port, namespace):
            fail(f"{overlay}: NetworkPolicies block Prometheus (namespace {MONITORING}) -> "
                 f"{server}:{metrics_port}")
        if server != "gateway" and allowed(policies, monitor, pods[server], ports[server], namespace):
            fail(f"{overlay}: NetworkPolicies let the {MONITORING} namespace call {server}:{ports[server]}")
        for src in [p for p in pods if p not in (server, DATABASE)]:
            if allowed(policies, pods[src], pods[server], metrics_port, namespace):
                fail(f"{overlay}: NetworkPolicies let {src} reach {server}:{metrics_port} (metrics)")
    ok(f"{overlay}: the metrics port {metrics_port} of every server is reachable from the {MONITORING} "
       f"namespace only")


# ------------------------------------------------------------------ compose


def check_compose(repo: Path, schema_path: Path, settings: set[str], ports: dict[str, int],
                  compose: dict | None = None) -> None:
    path = repo / "deploy/compose.yaml"
    if compose is None:
        compose = yaml.safe_load(path.read_text())
    schema = json.loads(schema_path.read_text())
    validator = jsonschema.Draft201909Validator(schema)
    errors = list(validator.iter_errors(compose))
    for e in errors:
        fail(f"compose.yaml: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
    if not errors:
        ok("compose.yaml: valid against the Compose Specification schema")
    services = compose.get("services", {})
    expected = {"postgres", "keygen", "migrate", "otel-collector", "jaeger", *SERVERS}
    if set(services) != expected:
        fail(f"compose.yaml: services {sorted(services)}, expected {sorted(expected)}")
        return
    for name, svc in services.items():
        for dep in (svc.get("depends_on") or {}):
            if dep not in services:
                fail(f"compose.yaml: {name} depends on unknown service {dep}")
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
        for key in env:
            if key.startswith("VANPHONG_") and key not in settings:
                fail(f"compose.yaml: {name} sets {key}, which vanphong does not know")
        if name in SERVERS or name == "migrate":
            want = ["migrate"] if name == "migrate" else ["serve", name]
            if svc.get("command") != want:
                fail(f"compose.yaml: {name} runs {svc.get('command')}, expected {want}")
            if not svc.get("read_only") or svc.get("user") != "65532:65532":
                fail(f"compose.yaml: {name} should run as 65532 on a read-only root filesystem")
            for key, server in URL_SETTINGS.items():
                u = urlparse(str(env.get(key, "")))
                if u.hostname != server or u.port != ports[server]:
                    fail(f"compose.yaml: {name}: {key}={env.get(key)} should be http://{server}:{ports[server]}")
            db = urlparse(str(env.get("VANPHONG_DATABASE_URL", "")))
            if db.hostname != "postgres":
                fail(f"compose.yaml: {name}: VANPHONG_DATABASE_URL does not point at the postgres service")
            otel = urlparse(str(env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")))
            if otel.hostname != "otel-collector" or otel.port != 4317:
                fail(f"compose.yaml: {name}: OTEL_EXPORTER_OTLP_ENDPOINT should be http://otel-collector:4317")
        if name in SERVERS:
            if env.get("VANPHONG_LISTEN") != f"0.0.0.0:{ports[name]}":
                fail(f"compose.yaml: {name} listens on {env.get('VANPHONG_LISTEN')}, expected 0.0.0.0:{ports[name]}")
            deps = svc.get("depends_on") or {}
            if deps.get("migrate", {}).get("condition") != "service_completed_successfully":
                fail(f"compose.yaml: {name} must start after migrate has completed")
            if deps.get("keygen", {}).get("condition") != "service_completed_successfully":
                fail(f"compose.yaml: {name} must start after the keys exist")
    signing = urlparse("file://" + str(services["gateway"].get("environment", {}).get(
        "VANPHONG_SIGNING_KEY_FILE", ""))).path.rsplit("/", 1)[0]
    for name, svc in services.items():
        mounted = [str(v).split(":") for v in svc.get("volumes", [])]
        holds_key = [m[0] for m in mounted if len(m) > 1 and m[1] == signing]
        if name == "gateway" and not holds_key:
            fail(f"compose.yaml: the gateway does not mount its signing key at {signing}")
        if name not in ("gateway", "keygen"):
            keygen_private = [str(v).split(":")[0] for v in services["keygen"].get("volumes", [])
                              if str(v).endswith("/keys/private")]
            if any(m[0] in keygen_private for m in mounted):
                fail(f"compose.yaml: {name} mounts the gateway's private signing key")
    if "8080:8080" not in [str(p) for p in services["gateway"].get("ports", [])]:
        fail("compose.yaml: the gateway is not published on 8080")
    for name in BACKENDS:
        if services[name].get("ports"):
            fail(f"compose.yaml: {name} publishes ports; only the gateway should")
    ok("compose.yaml: every server's command, listen address, URLs, database, collector and start order")

    # The collector's configuration.
    mounts = [v for v in services["otel-collector"].get("volumes", []) if str(v).startswith("./")]
    if not mounts:
        fail("compose.yaml: the collector's configuration file is not mounted")
        return
    config_path = (path.parent / mounts[0].split(":")[0]).resolve()
    config = yaml.safe_load(config_path.read_text())
    pipelines = config.get("service", {}).get("pipelines", {})
    if "traces" not in pipelines:
        fail("otel-collector.yaml: no traces pipeline")
    for pname, pipeline in pipelines.items():
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline.get(section, []):
                if component not in (config.get(section) or {}):
                    fail(f"otel-collector.yaml: pipeline {pname} uses undefined {section[:-1]} {component}")
    published = {str(p).split(":")[-1] for p in services["otel-collector"].get("ports", [])}
    for ename, exporter in (config.get("exporters") or {}).items():
        endpoint = (exporter or {}).get("endpoint")
        if ename.split("/")[0] == "prometheus":
            # Not a destination: where it serves /metrics for a scraper.
            if not endpoint or endpoint.rsplit(":", 1)[-1] not in published:
                fail(f"otel-collector.yaml: exporter {ename} serves on {endpoint}, which compose does not publish")
        elif endpoint and endpoint.split(":")[0] not in services:
            fail(f"otel-collector.yaml: exporter {ename} sends to {endpoint}, not a compose service")
    metrics = pipelines.get("metrics", {})
    if "otlp" not in metrics.get("receivers", []) or \
            not any(e.split("/")[0] == "prometheus" for e in metrics.get("exporters", [])):
        fail("otel-collector.yaml: no metrics pipeline from OTLP to a prometheus exporter")
    grpc = config.get("receivers", {}).get("otlp", {}).get("protocols", {}).get("grpc", {})
    if not str(grpc.get("endpoint", "")).endswith(":4317"):
        fail("otel-collector.yaml: the OTLP/gRPC receiver does not listen on 4317")
    ok("otel-collector.yaml: pipelines use defined components; exporters reach compose services; "
       "metrics are served for Prometheus on a published port")


def check_dockerfile(repo: Path, ports: dict[str, int]) -> None:
    text = (repo / "deploy/Dockerfile").read_text()
    exposed = {int(p) for line in re.findall(r"^EXPOSE (.+)$", text, re.M) for p in line.split()}
    if exposed != set(ports.values()):
        fail(f"Dockerfile: EXPOSE {sorted(exposed)}, expected the servers' ports {sorted(ports.values())}")
    user = re.findall(r"^USER (\S+)", text, re.M)
    if not user or user[-1].split(":")[0] in ("0", "root"):
        fail("Dockerfile: the runtime stage must run as a non-root USER")
    ok("Dockerfile: exposes every server's port and runs as a non-root user")


# ---------------------------------------------------------------- self-test


def self_test(args, settings: set[str], ports: dict[str, int]) -> None:
    """Breaks copies of the rendered files in known ways and requires each
    break to be caught, so that a checker which silently stopped working
    (a schema not loaded, a policy not evaluated) fails the run."""
    import copy

    global problems, checked
    docs = {p.stem: load_docs(p) for p in sorted(args.rendered.glob("*.yaml"))}
    if "production" not in docs:
        raise SystemExit("the self-test needs the production overlay")

    def find(overlay_docs, kind, name):
        return next(d for d in overlay_docs if d["kind"] == kind and d["metadata"]["name"] == name)

    def container(d):
        return pod_spec(d)["containers"][0]

    def unknown_field(ds):
        container(find(ds, "Deployment", "documents"))["livenesProbe"] = {"grpc": {"port": 50061}}

    def wrong_type(ds):
        find(ds, "Deployment", "finance")["spec"]["replicas"] = "two"

    def unknown_kind(ds):
        ds.append({"apiVersion": "example.org/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "x"}})

    def cnpg_int_parameter(ds):
        find(ds, "Cluster", "vanphong-db")["spec"]["postgresql"]["parameters"]["max_connections"] = 300

    def cnpg_unknown_field(ds):
        find(ds, "Cluster", "vanphong-db")["spec"]["instance"] = 3

    def callers_blocked(ds):
        rules = find(ds, "NetworkPolicy", "documents")["spec"]["ingress"][0]["from"]
        rules[:] = [r for r in rules if r["podSelector"]["matchLabels"][NAME] != "reporting"]

    def open_backend(ds):
        find(ds, "NetworkPolicy", "finance")["spec"]["ingress"].append({"ports": [{"port": 50063}]})

    def open_database(ds):
        find(ds, "NetworkPolicy", "vanphong-db")["spec"]["ingress"].append({})

    def wrong_url(ds):
        cm = next(d for d in ds if d["kind"] == "ConfigMap")
        cm["data"]["VANPHONG_PETITIONS_URL"] = "http://petitions:50063"

    def unknown_setting(ds):
        cm = next(d for d in ds if d["kind"] == "ConfigMap")
        cm["data"]["VANPHONG_WORKERS"] = "2"

    def fixed_threads(ds):
        env = container(find(ds, "Deployment", "gateway"))["env"]
        for e in env:
            if e["name"] == "VANPHONG_WORKER_THREADS":
                e.pop("valueFrom")
                e["value"] = "8"

    def too_few_connections(ds):
        find(ds, "Cluster", "vanphong-db")["spec"]["postgresql"]["parameters"]["max_connections"] = "100"

    def local_blobs_with_replicas(ds):
        env = container(find(ds, "Deployment", "documents"))["env"]
        env[:] = [e for e in env if e["name"] != "VANPHONG_DOCUMENTS_BLOB_STORE"]

    def backend_probe_http(ds):
        container(find(ds, "Deployment", "reporting"))["readinessProbe"] = {"tcpSocket": {"port": 50064}}

    def metrics_port_undeclared(ds):
        c = container(find(ds, "Deployment", "petitions"))
        c["ports"] = [p for p in c["ports"] if p.get("name") != "metrics"]

    def metrics_unscrapable(ds):
        ds[:] = [d for d in ds if not (d["kind"] == "NetworkPolicy" and d["metadata"]["name"] == "vanphong-metrics")]

    def metrics_open_to_all(ds):
        find(ds, "NetworkPolicy", "vanphong-metrics")["spec"]["ingress"][0].pop("from")

    mutations = [unknown_field, wrong_type, unknown_kind, cnpg_int_parameter, cnpg_unknown_field,
                 callers_blocked, open_backend, open_database, wrong_url, unknown_setting, fixed_threads,
                 too_few_connections, backend_probe_http, metrics_port_undeclared, metrics_unscrapable,
                 metrics_open_to_all]
    if "VANPHONG_DOCUMENTS_BLOB_STORE" in settings:
        mutations.append(local_blobs_with_replicas)
    def compose_bad_condition(c):
        c["services"]["gateway"]["depends_on"]["migrate"]["condition"] = "service_completed"

    def compose_wrong_directory(c):
        c["services"]["finance"]["environment"]["VANPHONG_DIRECTORY_URL"] = "http://gateway:50061"

    def compose_unknown_key(c):
        c["services"]["documents"]["enviroment"] = {}

    def compose_private_key_shared(c):
        c["services"]["reporting"]["volumes"] = ["signing-key:/etc/vanphong/signing:ro"]

    def compose_metrics_not_served(c):
        c["services"]["otel-collector"].pop("ports")

    compose_mutations = [compose_bad_condition, compose_wrong_directory, compose_unknown_key,
                         compose_private_key_shared, compose_metrics_not_served]
    compose = yaml.safe_load((args.repo / "deploy/compose.yaml").read_text())

    missed = []
    for mutate in compose_mutations:
        broken = copy.deepcopy(compose)
        mutate(broken)
        saved, problems = problems, []
        saved_checked, checked = checked, []
        check_compose(args.repo, args.compose_schema, settings, ports, broken)
        caught, problems, checked = problems, saved, saved_checked
        if not caught:
            missed.append(mutate.__name__)
        else:
            print(f"  self-test {mutate.__name__}: caught: {caught[0]}", file=sys.stderr)
    for mutate in mutations:
        broken = copy.deepcopy(docs["production"])
        mutate(broken)
        saved, problems = problems, []
        saved_checked, checked = checked, []
        validate_schemas("self-test", broken, args.repo, args.k8s_version[-1:])
        if not problems:
            check_overlay("self-test", broken, settings, ports)
        caught, problems, checked = problems, saved, saved_checked
        if not caught:
            missed.append(mutate.__name__)
        else:
            print(f"  self-test {mutate.__name__}: caught: {caught[0]}", file=sys.stderr)
    if missed:
        fail(f"self-test: these broken manifests passed every check: {', '.join(missed)}")
    else:
        ok(f"self-test: {len(mutations)} deliberately broken variants of the production overlay and "
           f"{len(compose_mutations)} of compose.yaml were all caught")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--rendered", type=Path, required=True)
    parser.add_argument("--compose-schema", type=Path, required=True)
    parser.add_argument("--k8s-version", action="append", required=True)
    parser.add_argument("--self-test", action="store_true",
                        help="also require deliberately broken variants to be caught")
    args = parser.parse_args()

    load_service_list(args.repo)
    settings = known_settings(args.repo)
    ports = default_ports(args.repo)
    overlays = sorted(args.rendered.glob("*.yaml"))
    if not overlays:
        raise SystemExit(f"no rendered overlays in {args.rendered}")
    for rendered in overlays:
        docs = load_docs(rendered)
        before = len(problems)
        validate_schemas(rendered.stem, docs, args.repo, args.k8s_version)
        # The wiring checks read fields the schemas guarantee.
        if len(problems) == before:
            check_overlay(rendered.stem, docs, settings, ports)
    check_compose(args.repo, args.compose_schema, settings, ports)
    check_dockerfile(args.repo, ports)
    if args.self_test:
        self_test(args, settings, ports)

    for line in checked:
        print(f"  ok  {line}")
    for line in problems:
        print(f"  FAIL {line}")
    if problems:
        print(f"check_deploy: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
