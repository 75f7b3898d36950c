# -*- coding: utf-8 -*-
# Copyright: lms.moodle contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options and notes that ElastiCache cache clusters and replication groups (the node-based caches, not
    # serverless caches) document alike, used as lms.moodle.elasticache_nodes; their argument spec is
    # module_utils.elasticache.node_options(). Options whose default or meaning differs (port, engine_version,
    # transit_encryption) stay in each module.
    DOCUMENTATION = r"""
options:
  cache_node_type:
    description: Node type, for example V(cache.t4g.small). Required with O(state=present).
    type: str
  cache_subnet_group_name:
    description: Cache subnet group (VPC subnets) of the nodes. Cannot be changed after creation.
    type: str
  security_group_ids:
    description: VPC security groups of the nodes. Not managed when omitted.
    type: list
    elements: str
  parameter_group_name:
    description: Cache parameter group; the engine default when omitted (then not managed).
    type: str
  preferred_maintenance_window:
    description: Weekly UTC maintenance time range, for example V(sun:05:00-sun:06:00).
    type: str
  apply_immediately:
    description: Whether modifications are applied now rather than in the next maintenance window.
    type: bool
    default: true
notes:
  - With O(wait=true), an existing resource that is not available is waited for before it is modified.
"""
