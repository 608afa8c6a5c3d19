#!/usr/bin/env python3
"""Helpers of tests/containers/run for Kubernetes manifests under podman.

  kube.py lint MANIFEST          every key is a field Kubernetes knows
  kube.py job-to-pod JOB OUT     Jobs become Pods (podman kube play has no Job)
  kube.py verify MANIFEST POD    the pod podman runs is the one the manifest
                                 describes: its containers, images, commands,
                                 mounts, users, capabilities, shared pid ns
  kube.py report LOGFILE         the JSON report (--report -) inside a log,
                                 printed alone

`podman kube play` ignores keys it does not know: a manifest saying
`contaners:` plays "successfully" as a pod holding only its infra container.
lint catches the misspelling in the file, verify catches it in what ran.
"""
import json
import subprocess
import sys

import yaml

TOP = {"apiVersion", "kind", "metadata", "spec", "data", "binaryData",
       "immutable", "status"}
METADATA = {"name", "namespace", "labels", "annotations", "generateName"}
POD_SPEC = {
    "activeDeadlineSeconds", "affinity", "automountServiceAccountToken",
    "containers", "dnsConfig", "dnsPolicy", "enableServiceLinks",
    "ephemeralContainers", "hostAliases", "hostIPC", "hostNetwork", "hostPID",
    "hostUsers", "hostname", "imagePullSecrets", "initContainers", "nodeName",
    "nodeSelector", "os", "overhead", "preemptionPolicy", "priority",
    "priorityClassName", "readinessGates", "resourceClaims", "restartPolicy",
    "runtimeClassName", "schedulerName", "schedulingGates", "securityContext",
    "serviceAccount", "serviceAccountName", "setHostnameAsFQDN",
    "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds",
    "tolerations", "topologySpreadConstraints", "volumes"}
JOB_SPEC = {
    "activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex",
    "completionMode", "completions", "manualSelector", "maxFailedIndexes",
    "parallelism", "podFailurePolicy", "podReplacementPolicy", "selector",
    "suspend", "template", "ttlSecondsAfterFinished"}
TEMPLATE = {"metadata", "spec"}
CONTAINER = {
    "args", "command", "env", "envFrom", "image", "imagePullPolicy",
    "lifecycle", "livenessProbe", "name", "ports", "readinessProbe",
    "resizePolicy", "resources", "restartPolicy", "securityContext",
    "startupProbe", "stdin", "stdinOnce", "terminationMessagePath",
    "terminationMessagePolicy", "tty", "volumeDevices", "volumeMounts",
    "workingDir"}
SECURITY_CONTEXT = {
    "allowPrivilegeEscalation", "appArmorProfile", "capabilities",
    "privileged", "procMount", "readOnlyRootFilesystem", "runAsGroup",
    "runAsNonRoot", "runAsUser", "seLinuxOptions", "seccompProfile",
    "windowsOptions"}
POD_SECURITY_CONTEXT = SECURITY_CONTEXT | {
    "fsGroup", "fsGroupChangePolicy", "supplementalGroups", "sysctls"}
CAPABILITIES = {"add", "drop"}
VOLUME_MOUNT = {"mountPath", "mountPropagation", "name", "readOnly",
                "subPath", "subPathExpr"}
VOLUME = {
    "name", "emptyDir", "configMap", "secret", "hostPath",
    "persistentVolumeClaim", "projected", "downwardAPI", "csi", "ephemeral",
    "nfs", "image"}
ENV = {"name", "value", "valueFrom"}


def unknown(d, allowed, where, errors):
    if not isinstance(d, dict):
        errors.append("%s: expected a mapping" % where)
        return
    for k in d:
        if k not in allowed:
            errors.append("%s.%s: not a Kubernetes field" % (where, k))


def lint_pod_spec(spec, where, errors):
    unknown(spec, POD_SPEC, where, errors)
    if not spec.get("containers"):
        errors.append("%s.containers: missing or empty" % where)
    unknown(spec.get("securityContext", {}), POD_SECURITY_CONTEXT,
            where + ".securityContext", errors)
    for i, v in enumerate(spec.get("volumes", [])):
        unknown(v, VOLUME, "%s.volumes[%d]" % (where, i), errors)
    for kind in ("initContainers", "containers"):
        for i, c in enumerate(spec.get(kind, []) or []):
            w = "%s.%s[%d]" % (where, kind, i)
            unknown(c, CONTAINER, w, errors)
            sc = c.get("securityContext", {})
            unknown(sc, SECURITY_CONTEXT, w + ".securityContext", errors)
            if isinstance(sc, dict):
                unknown(sc.get("capabilities", {}), CAPABILITIES,
                        w + ".securityContext.capabilities", errors)
            for j, m in enumerate(c.get("volumeMounts", [])):
                unknown(m, VOLUME_MOUNT, "%s.volumeMounts[%d]" % (w, j), errors)
            for j, e in enumerate(c.get("env", [])):
                unknown(e, ENV, "%s.env[%d]" % (w, j), errors)


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def pod_specs(docs):
    """(pod name, pod spec) of every Pod and Job in the manifest."""
    for d in docs:
        if d.get("kind") == "Pod":
            yield d["metadata"]["name"], d.get("spec", {})
        elif d.get("kind") == "Job":
            yield d["metadata"]["name"], d.get("spec", {}).get("template", {}).get("spec", {})


def cmd_lint(path):
    errors = []
    for n, d in enumerate(load(path)):
        w = "%s[%d](%s)" % (path, n, d.get("kind"))
        unknown(d, TOP, w, errors)
        unknown(d.get("metadata", {}), METADATA, w + ".metadata", errors)
        if d.get("kind") == "Pod":
            lint_pod_spec(d.get("spec", {}), w + ".spec", errors)
        elif d.get("kind") == "Job":
            spec = d.get("spec", {})
            unknown(spec, JOB_SPEC, w + ".spec", errors)
            tpl = spec.get("template", {})
            unknown(tpl, TEMPLATE, w + ".spec.template", errors)
            lint_pod_spec(tpl.get("spec", {}), w + ".spec.template.spec", errors)
    for e in errors:
        print(e)
    return 1 if errors else 0


def cmd_job_to_pod(src, dst):
    out = []
    for d in load(src):
        if d.get("kind") == "Job":
            tpl = d["spec"]["template"]
            meta = dict(tpl.get("metadata") or {})
            meta["name"] = d["metadata"]["name"]
            d = {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                 "spec": tpl["spec"]}
        out.append(d)
    with open(dst, "w") as f:
        yaml.safe_dump_all(out, f, sort_keys=False)
    return 0


def inspect(kind, name):
    r = subprocess.run(["podman", kind, "inspect", name],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    j = json.loads(r.stdout)
    return j[0] if isinstance(j, list) else j


def cmd_verify(path, pod):
    errors = []
    specs = dict(pod_specs(load(path)))
    if pod not in specs:
        print("%s: no Pod or Job named %s" % (path, pod))
        return 1
    spec = specs[pod]
    p = inspect("pod", pod)
    if p is None:
        print("pod %s: not found by podman" % pod)
        return 1
    ran = {c["Name"] for c in p.get("Containers", [])
           if c["Id"] != p.get("InfraContainerID")}
    want = {"%s-%s" % (pod, c["name"]) for c in spec.get("containers") or []}
    if not want:
        errors.append("manifest: pod %s has no containers" % pod)
    for n in sorted(ran - want):
        errors.append("pod %s runs %s, which the manifest does not name" % (pod, n))
    for n in sorted(want - ran):
        errors.append("pod %s lacks container %s of the manifest" % (pod, n))
    if spec.get("shareProcessNamespace"):
        if "pid" not in (p.get("SharedNamespaces") or []):
            errors.append("pod %s: shareProcessNamespace, but pid is not shared (%s)"
                          % (pod, p.get("SharedNamespaces")))
    for c in spec.get("containers") or []:
        name = "%s-%s" % (pod, c["name"])
        if name not in ran:
            continue
        i = inspect("container", name)
        if c.get("image") and i.get("ImageName") != c["image"]:
            errors.append("%s: image %s, manifest says %s" % (name, i.get("ImageName"), c["image"]))
        if "command" in c:
            want_argv = list(c["command"]) + list(c.get("args") or [])
            argv = [i.get("Path")] + list(i.get("Args") or [])
            if argv != want_argv:
                errors.append("%s: runs %r, manifest says %r" % (name, argv, want_argv))
        dests = {m.get("Destination") for m in i.get("Mounts", [])}
        for m in c.get("volumeMounts", []):
            if m["mountPath"] not in dests:
                errors.append("%s: %s is not mounted" % (name, m["mountPath"]))
        sc = c.get("securityContext") or {}
        if "runAsUser" in sc:
            user = str(i.get("Config", {}).get("User", "")).split(":")[0]
            if user != str(sc["runAsUser"]):
                errors.append("%s: runs as user %r, manifest says %s" % (name, user, sc["runAsUser"]))
        caps = set(i.get("EffectiveCaps") or [])
        for cap in (sc.get("capabilities") or {}).get("add", []):
            if "CAP_" + cap not in caps:
                errors.append("%s: lacks CAP_%s" % (name, cap))
    for e in errors:
        print(e)
    return 1 if errors else 0


def cmd_report(logfile):
    text = open(logfile, errors="replace").read()
    at = text.find('{"injections":')
    if at < 0:
        print("no JSON report in %s" % logfile, file=sys.stderr)
        return 1
    obj, _ = json.JSONDecoder().raw_decode(text[at:])
    print(json.dumps(obj))
    return 0


def main(argv):
    cmds = {"lint": (cmd_lint, 1), "job-to-pod": (cmd_job_to_pod, 2),
            "verify": (cmd_verify, 2), "report": (cmd_report, 1)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[argv[1]][0](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
