# lms.moodle: every entry point for developers and CI. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT := $(abspath .)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
CACHE := $(ROOT)/.cache
COLLECTIONS := $(CACHE)/collections
SANITY_ROOT := $(CACHE)/sanity/ansible_collections/lms/moodle
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_CONFIG := $(ROOT)/ansible.cfg
export PATH := $(BIN):$(PATH)
PYTEST_ARGS ?=
# make test (scripts/test-suite.sh) appends each stage's time here and prints the table at the end; .ci/run names its
# own file and prints the table itself.
TIMINGS := $(or $(LMS_MOODLE_TIMINGS),$(CACHE)/timings.tsv)
# Scenarios on containers need the images (make platform); the others only a moto server.
HOST_SCENARIOS := web

.PHONY: help venv lint sanity unit integration molecule cluster build test demo demo-clean preflight platform clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements-dev.txt requirements.txt
	@python="$$(scripts/find-python.sh)" && echo "Using $$python" && "$$python" -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -r requirements.txt
	touch $@

$(COLLECTIONS)/ansible_collections/lms/moodle:
	mkdir -p $(COLLECTIONS)/ansible_collections/lms
	ln -sfn $(ROOT) $@

venv: $(BIN)/.installed $(COLLECTIONS)/ansible_collections/lms/moodle ## Create .venv with the pinned toolchain and link the collection

lint: venv ## ansible-lint (production profile), yamllint, ruff
	$(BIN)/yamllint --strict .
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/ansible-lint --profile production
	$(BIN)/python scripts/role-docs.py --check

sanity: venv ## ansible-test sanity on a copy under ansible_collections/lms/moodle
	scripts/sanity.sh $(SANITY_ROOT)

unit: venv ## pytest unit tests (no network)
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

# The Moodle module tests build on one site in order (install, then configure, ...): they run in a pytest session
# of their own, because xdist would spread them over workers (its loadgroup mode does not group under pytest 9).
# That session runs beside the others, not after them: alone at the end it kept one of CI's two cores idle for a
# minute. Its output follows theirs.
MOODLE_TESTS := tests/integration/test_moodle_modules.py
integration: venv ## pytest integration tests: moto on 127.0.0.1; PHP, PostgreSQL and Redis for the Moodle modules
	@mkdir -p $(CACHE)
	@$(BIN)/pytest $(MOODLE_TESTS) --basetemp=$(CACHE)/pytest-moodle -p no:cacheprovider $(PYTEST_ARGS) \
	  > $(CACHE)/moodle-modules.log 2>&1 & modules=$$!; \
	$(BIN)/pytest tests/integration -n 3 --maxschedchunk 1 --durations=15 --ignore $(MOODLE_TESTS) $(PYTEST_ARGS); status=$$?; \
	wait $$modules; modules_status=$$?; \
	echo "--- $(MOODLE_TESTS) (run beside the above)"; cat $(CACHE)/moodle-modules.log; \
	[ $$status -eq 0 ] && [ $$modules_status -eq 0 ]

platform: venv ## Start dockerd if needed and build the Debian 12 systemd base image
	scripts/ensure-dockerd.sh
	scripts/build-base-image.sh

molecule: venv platform ## Every molecule scenario, one after the other
	$(BIN)/molecule test --all

molecule-%: venv ## One molecule scenario: make molecule-aws (molecule-web needs make platform first)
	$(if $(filter $*,$(HOST_SCENARIOS)),scripts/ensure-dockerd.sh && scripts/build-base-image.sh >/dev/null)
	$(BIN)/molecule test -s $*

cluster: venv platform ## The local two-node cluster behind HAProxy, end to end (make demo's script, then deploys, failures, scale-out)
	$(BIN)/pytest tests/cluster -v -s $(PYTEST_ARGS)

build: venv ## Build the collection tarball and install it into a scratch path
	rm -rf $(CACHE)/build && mkdir -p $(CACHE)/build
	$(BIN)/ansible-galaxy collection build --output-path $(CACHE)/build .
	# A scratch collections path only: the development link in .cache/collections must not count as "installed".
	ANSIBLE_COLLECTIONS_PATH=$(CACHE)/build/installed $(BIN)/ansible-galaxy collection install --offline --no-deps \
	  -p $(CACHE)/build/installed $(CACHE)/build/lms-moodle-*.tar.gz
	test -f $(CACHE)/build/installed/ansible_collections/lms/moodle/meta/runtime.yml
	test -f $(CACHE)/build/installed/ansible_collections/lms/moodle/roles/network/meta/argument_specs.yml
	! tar -tzf $(CACHE)/build/lms-moodle-*.tar.gz | grep -E '^(\.cache|\.venv|molecule|tests/integration|tests/moodle|tests/cluster)/' 

test: venv ## The whole test suite (what CI runs): quick stages, then two lanes side by side; a table of times at the end
	@$(if $(LMS_MOODLE_TIMINGS),,rm -f $(TIMINGS);) scripts/test-suite.sh $(TIMINGS) $(if $(LMS_MOODLE_TIMINGS),,--table)

demo: venv platform ## The embedded default from nothing to a login page: moto, containers, site.yml (MOODLE_SRC without internet)
	scripts/demo.sh

demo-clean: venv ## Tear the demo down (teardown.yml), remove its containers, network and volume, and say what went
	scripts/ensure-dockerd.sh
	scripts/demo.sh clean

# A real account by default: your copy of inventories/aws, with the usual AWS credentials (nothing is changed).
INVENTORY ?= inventories/aws
preflight: venv ## Would site.yml go through? Input and account checks only, read-only (INVENTORY=inventories/<yours>)
	$(BIN)/ansible-playbook -i $(INVENTORY) playbooks/preflight.yml

clean: ## Remove the virtualenv and caches
	-$(BIN)/python scripts/moto-server.py stop 2>/dev/null
	rm -rf $(VENV) $(CACHE) .pytest_cache .ruff_cache
