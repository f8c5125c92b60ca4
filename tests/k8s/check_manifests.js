#!/usr/bin/env node
// Offline checks of rendered Kubernetes manifests (the output of `kubectl kustomize`).
//
//   node check_manifests.js --repo ROOT --namespace NS RENDERED.yaml
//       Every object must validate against the Kubernetes API schemas
//       (kubernetes-models) and meet the project's policy; prints each problem and
//       exits 1 when there is any.
//   node check_manifests.js --repo ROOT --namespace NS --fragment FILE...
//       The same for files that are not a whole application (test fixtures): skips
//       the checks that need every object (the default-deny NetworkPolicy).
//   node check_manifests.js --repo ROOT --namespace NS --expect-rejection FIXTURE...
//       Each fixture carries one or more `# expect: <text>` lines; the checks must
//       report a problem containing each text and no other problem, or this exits 1.
//       This is how the test suite shows that the checks do catch a broken manifest.
//
// Needs the packages of package.json on NODE_PATH (run_k8s_checks.sh sets it).
"use strict";

const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const kPodTemplatePaths = {
  Pod: [],
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};
const kClusterScopedKinds = new Set([
  "Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
  "PriorityClass", "IngressClass", "CustomResourceDefinition",
]);
// Who may open connections to whom, by the pod label stadt.city/tier: target tier ->
// the client tiers its NetworkPolicies may admit. A tier missing here is not checked.
const kTierLabel = "stadt.city/tier";
const kAllowedClients = {
  // The services: the gateway, and the privacy service (tier orchestrator), which calls
  // their internal ExportPersonalData/ErasePersonalData RPCs for a citizen's export and
  // erasure (services/privacy/README.md). That is the one edge between two backends
  // besides KPI reporting; each service's policy names stadt-privacy for it.
  service: ["gateway", "orchestrator"],
  // The privacy service itself: only the gateway (GET/DELETE /v1/me/data). The services
  // it calls may not call back.
  orchestrator: ["gateway"],
  // Monitoring: the gateway (read API) and the services (the KPI events they report).
  monitoring: ["gateway", "service"],
  // Redis: the services, monitoring, and privacy (its health check only; it stores
  // nothing). Never the gateway.
  redis: ["service", "monitoring", "orchestrator"],
};
// Files whose `Read...(EnvConfig& config, ...)` helpers a main.cc may call.
const kConfigHelperFiles = ["services/common/service_env.cc", "services/common/kpi/kpi_reporting.cc",
                            "services/common/booking/config/booking_rules_config.cc"];
// A project binary is an image named stadt-<name>; its configuration is read in
// <name>/main.cc or services/<name>/main.cc.
const kProjectImagePrefix = "stadt-";

// ---------------------------------------------------------------- small helpers

function Dig(object, keys) {
  let value = object;
  for (const key of keys) {
    if (value === null || typeof value !== "object") return undefined;
    value = value[key];
  }
  return value;
}

function ObjectName(doc) {
  return `${doc.kind}/${Dig(doc, ["metadata", "name"]) || "<no name>"}`;
}

function IsLoopbackHost(host) {
  return host === "localhost" || host.startsWith("127.") || host === "::1" || host === "[::1]";
}

function SplitHostPort(text) {
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return null;
  const port = Number(text.slice(colon + 1));
  if (!Number.isInteger(port)) return null;
  return { host: text.slice(0, colon), port };
}

// Returns { repository, tag, digest } for an image reference.
function ParseImage(image) {
  let rest = image;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = "";
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag, digest };
}

// ------------------------------------------- configuration variables from sources

const kConfigRead =
  /config\.(?:RequiredString|String|Int|Bool|Duration|HostPort)\(\s*"([A-Z][A-Z0-9_]*)"/g;
const kVariableLiteral = /"([A-Z][A-Z0-9_]*)"/g;
// Helpers that read "<prefix><NAME>" under a prefix their caller passes
// (`.prefix = "APPOINTMENTS_"`): name("MIN_NOTICE") in the helper, and every
// other upper-case literal of the call (`.same_service_window = "..."`).
const kPrefixedConfigRead =
  /config\.(?:RequiredString|String|Int|Bool|Duration|HostPort)\(\s*name\("([A-Z][A-Z0-9_]*)"\)/g;
const kPrefixArgument = /\.prefix\s*=\s*"([A-Z][A-Z0-9_]*_)"/;

function MatchAll(regex, text) {
  return Array.from(text.matchAll(regex), (match) => match[1]);
}

// The bodies of the functions in `source` that take `EnvConfig& config`, by name.
function ConfigHelperBodies(source) {
  const helpers = new Map();
  for (const match of source.matchAll(/\b(\w+)\(EnvConfig& config\b/g)) {
    const open = source.indexOf("{", match.index);
    const close = source.indexOf("\n}\n", open);
    if (open < 0 || close < 0) continue;
    helpers.set(match[1], source.slice(open, close));
  }
  return helpers;
}

// Lower-case names of the entries of LinkedApis() (the gateway's backends).
function LinkedApiNames(repo) {
  const file = path.join(repo, "gateway", "core", "linked_apis.cc");
  if (!fs.existsSync(file)) return [];
  return MatchAll(/\{\s*"([a-z][a-z0-9_]*)"\s*,/g, fs.readFileSync(file, "utf8"));
}

// The environment variables a project binary reads, derived from its sources, so
// that the list cannot drift from the code. Returns { names, sources } or throws.
function VariablesReadBy(repo, binary) {
  const name = binary.slice(kProjectImagePrefix.length);
  const candidates = [path.join(repo, name, "main.cc"), path.join(repo, "services", name, "main.cc")];
  const main = candidates.find((file) => fs.existsSync(file));
  if (!main) {
    throw new Error(`no sources for image ${binary}: looked for ${candidates.join(" and ")}`);
  }
  const mainSource = fs.readFileSync(main, "utf8");
  const names = new Set(MatchAll(kConfigRead, mainSource));
  const sources = [path.relative(repo, main)];

  for (const helperFile of kConfigHelperFiles.map((file) => path.join(repo, file))) {
    if (!fs.existsSync(helperFile)) continue;
    for (const [helper, body] of ConfigHelperBodies(fs.readFileSync(helperFile, "utf8"))) {
      const calls = mainSource.matchAll(new RegExp(`\\b${helper}\\(\\s*config\\b([^;]*)`, "g"));
      for (const call of calls) {
        MatchAll(kConfigRead, body).forEach((variable) => names.add(variable));
        const prefix = kPrefixArgument.exec(call[1]);
        if (prefix) {
          const named = [...MatchAll(kPrefixedConfigRead, body), ...MatchAll(kVariableLiteral, call[1])];
          named.filter((suffix) => suffix !== prefix[1])
            .forEach((suffix) => names.add(prefix[1] + suffix));
        } else {
          // Helpers that take the variable's name as an argument (the listen address).
          MatchAll(kVariableLiteral, call[1]).forEach((variable) => names.add(variable));
        }
        if (!sources.includes(path.relative(repo, helperFile))) {
          sources.push(path.relative(repo, helperFile));
        }
      }
    }
  }

  // Variables named at run time: "<PREFIX>" + upper-case name of each linked API.
  for (const prefix of MatchAll(
           /StrCat\(\s*"([A-Z][A-Z0-9_]*_)"\s*,\s*absl::AsciiStrToUpper\(api\.name\)\)/g,
           mainSource)) {
    const apis = LinkedApiNames(repo);
    if (apis.length === 0) throw new Error(`${binary}: found ${prefix}<API> but no linked APIs`);
    apis.forEach((api) => names.add(prefix + api.toUpperCase()));
    sources.push("gateway/core/linked_apis.cc");
  }

  if (names.size < 3) {
    throw new Error(`could not derive the variables ${binary} reads from ${sources.join(", ")} ` +
                    `(found ${[...names].join(", ") || "none"}); has the way it reads ` +
                    "its configuration changed?");
  }
  return { names, sources };
}

// ----------------------------------------------------------------------- checks

class Checker {
  constructor(repo, namespace, docs) {
    this.repo = repo;
    this.namespace = namespace;
    this.docs = docs;
    this.problems = [];
    this.variableCache = new Map();
  }

  Problem(where, text) {
    this.problems.push(`${where}: ${text}`);
  }

  Find(kind, name) {
    return this.docs.find((doc) => doc.kind === kind && Dig(doc, ["metadata", "name"]) === name);
  }

  Run({ wholeApplication }) {
    for (const doc of this.docs) {
      this.CheckSchema(doc);
      this.CheckNamespace(doc);
      if (doc.kind === "Secret") {
        this.Problem(ObjectName(doc), "a Secret in the manifests; reference one created by the " +
                                          "operator instead (deploy/README.md)");
      }
      if (doc.kind === "Ingress") this.CheckIngress(doc);
      const template = kPodTemplatePaths[doc.kind] ? Dig(doc, kPodTemplatePaths[doc.kind]) : null;
      if (template) this.CheckPodTemplate(doc, template);
      if (doc.kind === "Deployment") this.CheckDeploymentCoverage(doc);
    }
    this.CheckNetworkIsolation();
    if (wholeApplication) this.CheckDefaultDeny();
    return this.problems;
  }

  CheckSchema(doc) {
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
      this.Problem("document", "apiVersion and kind are required");
      return;
    }
    let Model;
    try {
      Model = require(`kubernetes-models/${doc.apiVersion}/${doc.kind}`)[doc.kind];
    } catch (error) {
      this.Problem(ObjectName(doc), `schema: no Kubernetes API schema for ${doc.apiVersion} ` +
                                        `${doc.kind} (${error.code || error.message})`);
      return;
    }
    try {
      new Model(doc).validate();
    } catch (error) {
      this.Problem(ObjectName(doc), `schema: ${error.message}`);
    }
  }

  CheckNamespace(doc) {
    if (kClusterScopedKinds.has(doc.kind)) return;
    const namespace = Dig(doc, ["metadata", "namespace"]);
    if (namespace !== this.namespace) {
      this.Problem(ObjectName(doc), `namespace is ${namespace || "unset"}, expected ` +
                                        `${this.namespace}`);
    }
  }

  CheckIngress(doc) {
    const tls = Dig(doc, ["spec", "tls"]) || [];
    const hosts = new Set(tls.flatMap((entry) => entry.hosts || []));
    if (tls.length === 0) this.Problem(ObjectName(doc), "Ingress without TLS");
    for (const rule of Dig(doc, ["spec", "rules"]) || []) {
      if (!hosts.has(rule.host)) {
        this.Problem(ObjectName(doc), `host ${rule.host || "<any>"} is not covered by TLS`);
      }
    }
  }

  CheckPodTemplate(doc, template) {
    const where = ObjectName(doc);
    const pod = template.spec || {};
    const podContext = pod.securityContext || {};
    if (podContext.runAsNonRoot !== true) {
      this.Problem(where, "pod securityContext.runAsNonRoot must be true");
    }
    if (Dig(podContext, ["seccompProfile", "type"]) !== "RuntimeDefault") {
      this.Problem(where, "pod securityContext.seccompProfile.type must be RuntimeDefault");
    }
    if (podContext.runAsUser === 0) this.Problem(where, "pod runs as user 0");
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) {
      this.Problem(where, "pod shares a host namespace");
    }
    // Probes keep traffic from unready pods and restart hung ones; a Job's pod serves no
    // traffic and ends by itself (activeDeadlineSeconds bounds it).
    const needsProbes = doc.kind !== "Job" && doc.kind !== "CronJob";
    for (const container of pod.containers || []) {
      this.CheckContainer(doc, pod, container, needsProbes);
    }
    for (const container of pod.initContainers || []) {
      this.CheckContainer(doc, pod, container, false);
    }
  }

  CheckContainer(doc, pod, container, needsProbes) {
    const where = `${ObjectName(doc)} container ${container.name}`;
    this.CheckImage(where, container.image);
    if (needsProbes) {
      if (!container.readinessProbe) this.Problem(where, "no readinessProbe");
      if (!container.livenessProbe) this.Problem(where, "no livenessProbe");
    }
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        if (Dig(container, ["resources", kind, resource]) === undefined) {
          this.Problem(where, `no resources.${kind}.${resource}`);
        }
      }
    }
    this.CheckContainerSecurity(where, container.securityContext || {});
    this.CheckEnvironment(where, doc, pod, container);
  }

  CheckImage(where, image) {
    if (typeof image !== "string" || image === "") {
      this.Problem(where, "no image");
      return;
    }
    const { tag, digest } = ParseImage(image);
    if (digest) return;
    if (!tag) this.Problem(where, `image ${image} has no tag; pin a version`);
    else if (tag === "latest") this.Problem(where, `image ${image} uses the latest tag`);
  }

  CheckContainerSecurity(where, context) {
    const required = [
      ["runAsNonRoot", true],
      ["readOnlyRootFilesystem", true],
      ["allowPrivilegeEscalation", false],
    ];
    for (const [field, value] of required) {
      if (context[field] !== value) {
        this.Problem(where, `securityContext.${field} must be ${value}`);
      }
    }
    if (context.privileged === true) this.Problem(where, "securityContext.privileged is true");
    if (context.runAsUser === 0) this.Problem(where, "runs as user 0");
    const drop = Dig(context, ["capabilities", "drop"]) || [];
    if (!drop.includes("ALL")) {
      this.Problem(where, "securityContext.capabilities.drop must contain ALL");
    }
    if ((Dig(context, ["capabilities", "add"]) || []).length > 0) {
      this.Problem(where, "securityContext.capabilities.add must be empty");
    }
    if (Dig(context, ["seccompProfile", "type"]) !== "RuntimeDefault") {
      this.Problem(where, "securityContext.seccompProfile.type must be RuntimeDefault");
    }
  }

  // The variables the container gets: name -> literal value (undefined when it comes
  // from a Secret).
  ContainerEnvironment(where, container) {
    const environment = new Map();
    for (const source of container.envFrom || []) {
      if (source.secretRef) {
        this.Problem(where, "envFrom secretRef: reference each secret key by name with " +
                                "env[].valueFrom.secretKeyRef, so the names can be checked");
        continue;
      }
      const name = Dig(source, ["configMapRef", "name"]);
      const configMap = this.Find("ConfigMap", name);
      if (!configMap) {
        this.Problem(where, `envFrom refers to ConfigMap ${name}, which is not in the manifests`);
        continue;
      }
      for (const [key, value] of Object.entries(configMap.data || {})) {
        environment.set((source.prefix || "") + key, value);
      }
    }
    for (const variable of container.env || []) {
      environment.set(variable.name, variable.valueFrom ? undefined : variable.value);
    }
    return environment;
  }

  CheckEnvironment(where, doc, pod, container) {
    const environment = this.ContainerEnvironment(where, container);
    const binary = ParseImage(container.image || "").repository.split("/").pop();
    if (!binary.startsWith(kProjectImagePrefix)) return;

    let read;
    try {
      if (!this.variableCache.has(binary)) {
        this.variableCache.set(binary, VariablesReadBy(this.repo, binary));
      }
      read = this.variableCache.get(binary);
    } catch (error) {
      this.Problem(where, error.message);
      return;
    }
    for (const name of environment.keys()) {
      if (!read.names.has(name)) {
        this.Problem(where, `sets ${name}, which ${binary} does not read ` +
                                `(it reads: ${[...read.names].sort().join(", ")}; from ` +
                                `${read.sources.join(", ")})`);
      }
    }
    if (read.names.has("REDIS_ADDRESS") && !environment.has("REDIS_ADDRESS")) {
      this.Problem(where, "REDIS_ADDRESS is not set (the default is the loopback address)");
    }
    this.CheckListenAddresses(where, container, environment);
    this.CheckFilePaths(where, container, environment);
    this.CheckBackendAddresses(where, environment, read.names);
  }

  // A listener must bind a reachable address on a port the container declares, and a
  // gRPC readiness probe must ask that port.
  CheckListenAddresses(where, container, environment) {
    const ports = new Set((container.ports || []).map((port) => port.containerPort));
    for (const [name, value] of environment) {
      if (value === undefined) continue;
      let listen = null;
      if (name.endsWith("_GRPC_ADDRESS")) {
        listen = SplitHostPort(value);
        if (!listen) {
          this.Problem(where, `${name}=${value} is not host:port`);
          continue;
        }
        const probePort = Dig(container, ["readinessProbe", "grpc", "port"]);
        if (probePort !== undefined && probePort !== listen.port) {
          this.Problem(where, `readinessProbe.grpc.port ${probePort} is not the port of ${name}`);
        }
      } else if (name === "GATEWAY_PORT") {
        listen = { host: environment.get("GATEWAY_LISTEN_ADDRESS") || "127.0.0.1",
                   port: Number(value) };
      }
      if (!listen) continue;
      if (IsLoopbackHost(listen.host)) {
        this.Problem(where, `${name} listens on the loopback address; no probe or peer reaches it`);
      }
      if (!ports.has(listen.port)) {
        this.Problem(where, `${name} listens on port ${listen.port}, which the container ` +
                                "does not declare");
      }
    }
  }

  // Every *_FILE variable must point into a mounted volume.
  CheckFilePaths(where, container, environment) {
    const mounts = (container.volumeMounts || []).map((mount) => mount.mountPath);
    for (const [name, value] of environment) {
      if (!name.endsWith("_FILE") || !value) continue;
      if (!mounts.some((mount) => value.startsWith(mount.replace(/\/?$/, "/")))) {
        this.Problem(where, `${name}=${value} is not inside any volumeMount`);
      }
    }
  }

  // GATEWAY_BACKEND_<API>=<service>:<port> must name a Service and one of its ports, and
  // a binary that reads them must get one for every linked API: the default is a
  // loopback address, where no backend answers, and the gateway's /readyz waits for all.
  CheckBackendAddresses(where, environment, namesRead) {
    const backends = new Set(LinkedApiNames(this.repo).map((api) => `GATEWAY_BACKEND_${api.toUpperCase()}`));
    // GATEWAY_READINESS_BACKENDS (default "all") names the backends /readyz waits
    // for; a backend left out of it may be absent from this deployment.
    const readiness = environment.get("GATEWAY_READINESS_BACKENDS");
    const required = (name) =>
      readiness === undefined || readiness === "all" ||
      readiness.split(",").map((api) => `GATEWAY_BACKEND_${api.trim().toUpperCase()}`).includes(name);
    for (const name of backends) {
      if (namesRead.has(name) && !environment.has(name) && required(name)) {
        this.Problem(where, `${name} is not set (the default is the loopback address, and ` +
                                "/readyz waits for every linked backend)");
      }
    }
    for (const [name, value] of environment) {
      if (!backends.has(name) || value === undefined || !required(name)) continue;
      const address = SplitHostPort(value);
      const service = address && this.Find("Service", address.host.split(".")[0]);
      if (!service) {
        this.Problem(where, `${name}=${value} names no Service in the manifests`);
      } else if (!(Dig(service, ["spec", "ports"]) || []).some((p) => p.port === address.port)) {
        this.Problem(where, `${name}=${value}: Service ${address.host} has no port ` +
                                `${address.port}`);
      }
    }
  }

  // Each Deployment needs a PodDisruptionBudget, and when a HorizontalPodAutoscaler
  // scales it, no replica count of its own (apply would reset a scaled-out count).
  CheckDeploymentCoverage(doc) {
    const name = Dig(doc, ["metadata", "name"]);
    const labels = Dig(doc, ["spec", "template", "metadata", "labels"]) || {};
    const selects = (selector) =>
        Object.entries(Dig(selector, ["matchLabels"]) || {}).every(([k, v]) => labels[k] === v);
    const budgets = this.docs.filter(
        (other) => other.kind === "PodDisruptionBudget" && selects(Dig(other, ["spec", "selector"])));
    if (budgets.length === 0) this.Problem(ObjectName(doc), "no PodDisruptionBudget selects it");
    const scaled = this.docs.some(
        (other) => other.kind === "HorizontalPodAutoscaler" &&
                   Dig(other, ["spec", "scaleTargetRef", "kind"]) === "Deployment" &&
                   Dig(other, ["spec", "scaleTargetRef", "name"]) === name);
    if (scaled && Dig(doc, ["spec", "replicas"]) !== undefined) {
      this.Problem(ObjectName(doc), "sets spec.replicas although a HorizontalPodAutoscaler " +
                                        "scales it");
    }
  }

  // Workloads with the labels of their pods.
  Workloads() {
    return this.docs.filter((doc) => kPodTemplatePaths[doc.kind])
        .map((doc) => ({
               doc,
               labels: Dig(Dig(doc, kPodTemplatePaths[doc.kind]), ["metadata", "labels"]) || {},
             }));
  }

  // Every workload of a tier in kAllowedClients must be selected by a NetworkPolicy,
  // and every ingress peer of those policies may only select pods of the allowed tiers.
  CheckNetworkIsolation() {
    const workloads = this.Workloads();
    const matches = (selector, labels) =>
        Object.entries(Dig(selector, ["matchLabels"]) || {}).every(([k, v]) => labels[k] === v);
    const policies = this.docs.filter((doc) => doc.kind === "NetworkPolicy");
    for (const target of workloads) {
      const allowed = kAllowedClients[target.labels[kTierLabel]];
      if (!allowed) continue;
      const where = `${ObjectName(target.doc)} (tier ${target.labels[kTierLabel]})`;
      const isolating = policies.filter(
          (policy) => matches(Dig(policy, ["spec", "podSelector"]), target.labels) &&
                      (Dig(policy, ["spec", "policyTypes"]) || ["Ingress"]).includes("Ingress"));
      if (isolating.length === 0) this.Problem(where, "no NetworkPolicy restricts its ingress");
      for (const policy of isolating) {
        for (const rule of Dig(policy, ["spec", "ingress"]) || []) {
          const peers = rule.from || [];
          if (peers.length === 0) {
            this.Problem(where, `${ObjectName(policy)} admits every source`);
          }
          for (const peer of peers) {
            if (peer.namespaceSelector || peer.ipBlock) {
              this.Problem(where, `${ObjectName(policy)} admits sources outside the namespace`);
              continue;
            }
            if (Dig(peer, ["podSelector", "matchExpressions"])) {
              this.Problem(where, `${ObjectName(policy)}: use matchLabels, which this check reads`);
              continue;
            }
            for (const client of workloads) {
              if (matches(peer.podSelector, client.labels) &&
                  !allowed.includes(client.labels[kTierLabel])) {
                this.Problem(where, `${ObjectName(policy)} admits ${ObjectName(client.doc)}; ` +
                                        `only tier ${allowed.join(", ")} may connect`);
              }
            }
          }
        }
      }
    }
  }

  CheckDefaultDeny() {
    const denies = this.docs.some(
        (doc) => doc.kind === "NetworkPolicy" &&
                 Object.keys(Dig(doc, ["spec", "podSelector", "matchLabels"]) || {})
                         .every((key) => key === "app.kubernetes.io/part-of") &&
                 (Dig(doc, ["spec", "policyTypes"]) || []).includes("Ingress") &&
                 !(Dig(doc, ["spec", "ingress"]) || []).length);
    if (!denies) this.Problem("NetworkPolicy", "no default-deny ingress policy");
  }
}

// ------------------------------------------------------------------------ main

function ReadDocuments(file) {
  const text = fs.readFileSync(file, "utf8");
  const documents = YAML.parseAllDocuments(text);
  const errors = documents.flatMap((document) => document.errors.map((error) => error.message));
  if (errors.length > 0) throw new Error(`${file}: YAML: ${errors.join("; ")}`);
  return documents.map((document) => document.toJSON()).filter((doc) => doc !== null);
}

function ParseArguments(argv) {
  const options = { files: [], expectRejection: false, fragment: false };
  for (let i = 0; i < argv.length; ++i) {
    const argument = argv[i];
    if (argument === "--repo") options.repo = argv[++i];
    else if (argument === "--namespace") options.namespace = argv[++i];
    else if (argument === "--expect-rejection") options.expectRejection = true;
    else if (argument === "--fragment") options.fragment = true;
    else options.files.push(argument);
  }
  if (!options.repo || !options.namespace || options.files.length === 0) {
    throw new Error("usage: check_manifests.js --repo ROOT --namespace NS " +
                    "[--fragment | --expect-rejection] FILE...");
  }
  return options;
}

function CheckRendered(options) {
  let failed = false;
  for (const file of options.files) {
    const docs = ReadDocuments(file);
    const problems = new Checker(options.repo, options.namespace, docs)
                         .Run({ wholeApplication: !options.fragment });
    problems.forEach((problem) => console.log(`FAIL ${path.basename(file)}: ${problem}`));
    const workloads = docs.filter((doc) => kPodTemplatePaths[doc.kind]).length;
    console.log(`${path.basename(file)}: ${docs.length} objects, ${workloads} workloads, ` +
                `${problems.length} problems`);
    failed = failed || problems.length > 0;
  }
  return failed ? 1 : 0;
}

function CheckRejections(options) {
  let failed = false;
  for (const file of options.files) {
    const name = path.basename(file);
    const expected = MatchAll(/^# expect: (.+)$/gm, fs.readFileSync(file, "utf8"));
    let problems;
    try {
      problems = new Checker(options.repo, options.namespace, ReadDocuments(file))
                     .Run({ wholeApplication: false });
    } catch (error) {
      problems = [error.message];
    }
    if (expected.length === 0) {
      console.log(`FAIL ${name}: no "# expect:" line`);
      failed = true;
    }
    for (const text of expected) {
      const caught = problems.some((problem) => problem.includes(text));
      console.log(`${caught ? "ok  " : "FAIL"} ${name}: rejected for "${text}"`);
      failed = failed || !caught;
    }
    for (const problem of problems) {
      if (!expected.some((text) => problem.includes(text))) {
        console.log(`FAIL ${name}: also reported, but not expected: ${problem}`);
        failed = true;
      }
    }
  }
  console.log(`${options.files.length} fixtures: ${failed ? "some were not rejected as expected" :
                                                             "all rejected as expected"}`);
  return failed ? 1 : 0;
}

function Main() {
  try {
    const options = ParseArguments(process.argv.slice(2));
    return options.expectRejection ? CheckRejections(options) : CheckRendered(options);
  } catch (error) {
    console.log(`FAIL ${error.message}`);
    return 2;
  }
}

process.exitCode = Main();
