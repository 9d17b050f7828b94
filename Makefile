# Event Horizon: the two commands are `make up` (run the platform here) and `make test`.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export EVH_CACHE ?= $(HOME)/.cache/event-horizon
# Ports of the local stack (`make up`) and of the test run's own Kafka and Redis, kept apart
# so `make test` never touches the data of a running local stack.
export KAFKA_PORT ?= 9092
export REDIS_PORT ?= 6379
export TEST_KAFKA_PORT ?= 19092
export TEST_REDIS_PORT ?= 16379

.PHONY: help install test-install build lint typecheck up down status test generate tools bench chaos clean \
  kube-install kube-up kube-down kube-clean image kube-test

help:
	@echo "make up      install what is missing, build, start Kafka, Redis and every service"
	@echo "make down    stop what make up started"
	@echo "make test    lint, type check, unit and integration tests against real Kafka and Redis"
	@echo "make tools   build the toolchain (k6, helm, kube-apiserver, etcd, versitygw, prometheus, jaeger, dashboard-check)"
	@echo "make bench   run the benchmarks and write docs/benchmarks.md"
	@echo "make kube-up    start a real one-node Kubernetes cluster here (KUBECONFIG: bash tests/infra/cluster.sh env)"
	@echo "make image      build the platform's images without Docker and load them into that cluster"
	@echo "make kube-test  kube-up, image, helm install, then the system tests through the Services"
	@echo "make kube-down  stop the cluster and undo every change it made to the host"
	@echo "make chaos   kill and cut off Kafka, Redis and the consumer under load; write docs/reliability.md"

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json
	bash tests/infra/kafka.sh install
	bash tests/infra/redis.sh install
	bash tests/infra/postgres.sh install

# What only the tests need on top: the browser for the console's tests, and the host packages
# of the one-node cluster (containerd, runc, CNI plugins, umoci, skopeo), which the image test
# and the bounded system test use (only where that cluster can run: root, Linux, Go), and
# Podman for the containers phase (tests/infra/podman.sh, docs/adr/0016).
test-install: install
	bash tests/infra/chromium.sh install
	if bash tests/infra/cluster.sh can-run >/dev/null; then bash tests/infra/cluster.sh install; bash tests/infra/podman.sh install; fi

build: node_modules/.package-lock.json
	npx tsc -b

typecheck: build

lint: node_modules/.package-lock.json
	npx biome check .

up: install build
	bash scripts/stack.sh up

down:
	bash scripts/stack.sh down

status:
	bash scripts/stack.sh status

test: test-install build lint
	bash tests/run.sh

# Rewrites the committed generated files (OpenAPI documents, the chart's CRD and controller RBAC,
# the console's bundle) from the code; the tests fail when a committed copy differs from what
# the code generates.
generate: install build
	UPDATE_GENERATED=1 TEST_FILTER='openapi|crd|console-bundle' bash tests/run.sh

tools:
	bash tests/infra/tools.sh build
	bash tests/infra/tools.sh smoke

bench: install build
	bash loadtest/bench.sh

# The fault scenarios at full size on a Kafka and a Redis of their own (CHAOS_SCENARIOS=a,b picks
# some, CHAOS_SIZE=short runs the make test size); exits 1 when a scenario missed the goal.
chaos: install build
	node --enable-source-maps tests/dist/chaos/run-chaos.js

clean:
	rm -rf packages/*/dist services/*/dist packages/*/tsconfig.tsbuildinfo services/*/tsconfig.tsbuildinfo

.PHONY: quotas-local quotas-local-down
# Project quotas where there is no cluster: the toolchain's API server (tests/infra/kube.sh),
# the ProjectQuota CRD (its one copy is the chart's) and the samples. Then
# `eval "$$(bash tests/infra/kube.sh env)"` and `make down up`: the controller started with that
# KUBECONFIG reconciles them.
quotas-local:
	bash tests/infra/kube.sh start >/dev/null
	bash manifests/apply-local.sh manifests/samples/namespace.yaml \
	  charts/event-horizon/crds/projectquotas.eventhorizon.io.yaml manifests/samples/projectquota-*.yaml
	@echo 'next: eval "$$(bash tests/infra/kube.sh env)" && make down up'

quotas-local-down:
	bash tests/infra/kube.sh stop

# A real one-node cluster on this machine (tests/infra/cluster.sh, docs/adr/0010): the
# components come from the toolchain cache, containerd and runc from Debian.
kube-install: install
	bash tests/infra/cluster.sh install
	bash tests/infra/tools.sh build cluster

kube-up: kube-install build
	bash tests/infra/cluster.sh start

kube-down:
	bash tests/infra/cluster.sh stop

# Also deletes the cluster's state (etcd, imported images, volumes).
kube-clean:
	bash tests/infra/cluster.sh clean

# The images, built without a Docker engine (scripts/image/), and loaded into the cluster
# when it runs.
image: build
	bash tests/infra/cluster.sh install
	if bash tests/infra/cluster.sh status >/dev/null 2>&1; then \
	  eval "$$(bash tests/infra/cluster.sh env)"; fi; bash scripts/image/build.sh

# The system tests on that cluster (tests/kube/run.sh): helm install of the whole platform,
# then the contract, quotas, the autoscaler, pods deleted under load, upgrade and uninstall.
kube-test: kube-install build
	bash tests/kube/run.sh full
