import { QUOTA_GROUP, QUOTA_PLURAL } from '@evh/quota';

/** One thing the controller does to the API, and the code that does it. */
export interface Permission {
  apiGroup: string;
  resource: string;
  verbs: string[];
  resourceNames?: string[];
  usedBy: string;
}

export interface RbacNames {
  namespace: string;
  serviceAccount: string;
  leaseName: string;
  consumerDeployment: string;
}

/**
 * Exactly the calls the controller makes, so the Role generated from this table is least
 * privilege by construction; a new API call without a line here fails under the Role in the
 * RBAC test. (RBAC cannot restrict `create` by name, hence the separate lease line.)
 */
export function controllerPermissions(names: RbacNames): Permission[] {
  return [
    {
      apiGroup: QUOTA_GROUP,
      resource: QUOTA_PLURAL,
      verbs: ['list', 'watch'],
      usedBy: 'the ProjectQuota informer (main.ts)',
    },
    {
      apiGroup: QUOTA_GROUP,
      resource: `${QUOTA_PLURAL}/status`,
      verbs: ['patch'],
      usedBy: 'the status writer (main.ts)',
    },
    {
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      verbs: ['create'],
      usedBy: 'leader/leader-elector.ts, first start',
    },
    {
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      verbs: ['get', 'update'],
      resourceNames: [names.leaseName],
      usedBy: 'leader/leader-elector.ts, renew, take over and give up',
    },
    {
      apiGroup: 'apps',
      resource: 'deployments/scale',
      verbs: ['get', 'patch'],
      resourceNames: [names.consumerDeployment],
      usedBy: 'scale/autoscaler.ts',
    },
    { apiGroup: 'events.k8s.io', resource: 'events', verbs: ['create'], usedBy: 'kube/event-recorder.ts' },
  ];
}

/** ServiceAccount, Role and RoleBinding of the controller, in its namespace only. */
export function controllerRbac(names: RbacNames, labels: Record<string, string>) {
  const metadata = { name: names.serviceAccount, namespace: names.namespace, labels };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: controllerPermissions(names).map((p) => ({
        apiGroups: [p.apiGroup],
        resources: [p.resource],
        ...(p.resourceNames ? { resourceNames: p.resourceNames } : {}),
        verbs: p.verbs,
      })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.serviceAccount },
      subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: names.namespace }],
    },
  ];
}
