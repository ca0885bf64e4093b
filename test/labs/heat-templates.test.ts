// Static checks of the Heat (HOT) templates of the labs, without an OpenStack: every template in labs/heat/
// parses, declares a HOT version that Heat Zed knows, and its references are consistent (get_param,
// get_resource, get_attr, depends_on, outputs, nested template files and the properties passed to them).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const HEAT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../labs/heat');

// HOT versions (and their aliases) accepted by Heat in Zed; 2021-04-16 (wallaby) is the newest.
const ZED_HOT_VERSIONS = new Set([
  '2013-05-23', '2014-10-16', '2015-04-30', '2015-10-15', '2016-04-08', '2016-10-14', '2017-02-24',
  '2017-09-01', '2018-03-02', '2018-08-31', '2021-04-16',
  'newton', 'ocata', 'pike', 'queens', 'rocky', 'wallaby',
]);

// Parameters that Heat provides to every stack.
const PSEUDO_PARAMETERS = new Set(['OS::stack_id', 'OS::stack_name', 'OS::project_id']);

// Attributes of a group whose next get_attr argument is the name of an output of the nested template.
const GROUP_OUTPUT_ATTRIBUTES = new Set(['outputs', 'outputs_list']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses YAML files; the YAML 1.2 core schema keeps heat_template_version dates as 'YYYY-MM-DD' strings. */
function parseYamlFiles(files: readonly string[]): Record<string, Json> {
  return Object.fromEntries(files.map((file) => [file, parse(readFileSync(file, 'utf8')) as Json]));
}

interface References {
  params: { name: string; where: string }[];
  resources: { name: string; where: string }[];
  attrs: { resource: string; path: Json[]; where: string }[];
}

/** Collects get_param / get_resource / get_attr calls anywhere below `node`. */
function collectReferences(node: Json | undefined, where: string, refs: References): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => collectReferences(item, `${where}[${i}]`, refs));
    return;
  }
  if (!isObject(node)) return;
  const keys = Object.keys(node);
  if (keys.length === 1) {
    const [fn] = keys as [string];
    const arg = node[fn];
    if (fn === 'get_param') {
      const name = Array.isArray(arg) ? arg[0] : arg;
      refs.params.push({ name: String(name), where });
    } else if (fn === 'get_resource') {
      refs.resources.push({ name: String(arg), where });
    } else if (fn === 'get_attr') {
      const [resource, ...path]: Json[] = Array.isArray(arg) ? arg : [arg ?? null];
      refs.resources.push({ name: String(resource), where });
      refs.attrs.push({ resource: String(resource), path, where });
    }
  }
  for (const key of keys) collectReferences(node[key], `${where}.${key}`, refs);
}

interface NestedUse {
  file: string;
  properties: JsonObject;
  where: string;
}

/** The nested templates a resource instantiates: directly, or as the member of a group. */
function nestedUses(name: string, resource: JsonObject): NestedUse[] {
  const uses: NestedUse[] = [];
  const add = (type: Json | undefined, properties: Json | undefined, where: string) => {
    if (typeof type === 'string' && /\.ya?ml$/.test(type)) {
      uses.push({ file: type, properties: isObject(properties) ? properties : {}, where });
    }
  };
  add(resource.type, resource.properties, `resources.${name}`);
  const props = resource.properties;
  if (isObject(props)) {
    for (const key of ['resource', 'resource_def']) {
      const member = props[key];
      if (isObject(member)) add(member.type, member.properties, `resources.${name}.properties.${key}`);
    }
  }
  return uses;
}

const section = (template: JsonObject, key: string): JsonObject => {
  const value = template[key];
  return isObject(value) ? value : {};
};

/**
 * Checks one parsed template; returns the problems found (empty when all is well).
 * `load` returns a nested template by file name (relative to the template), or undefined if it is missing.
 */
export function checkTemplate(
  file: string,
  template: Json,
  load: (relative: string) => Json | undefined,
): string[] {
  const errors: string[] = [];
  if (!isObject(template)) return [`${file}: not a YAML mapping`];

  const version = String(template.heat_template_version);
  if (!ZED_HOT_VERSIONS.has(version)) {
    errors.push(`${file}: heat_template_version ${version} is not a HOT version of Heat Zed`);
  }
  const known = new Set(['heat_template_version', 'description', 'parameter_groups', 'parameters', 'resources',
    'outputs', 'conditions']);
  for (const key of Object.keys(template)) {
    if (!known.has(key)) errors.push(`${file}: unknown top-level section "${key}"`);
  }

  const parameters = section(template, 'parameters');
  const resources = section(template, 'resources');
  const outputs = section(template, 'outputs');
  if (Object.keys(resources).length === 0) errors.push(`${file}: no resources`);

  const refs: References = { params: [], resources: [], attrs: [] };
  collectReferences(template.resources, 'resources', refs);
  collectReferences(template.outputs, 'outputs', refs);
  collectReferences(template.conditions, 'conditions', refs);

  for (const { name, where } of refs.params) {
    if (!(name in parameters) && !PSEUDO_PARAMETERS.has(name)) {
      errors.push(`${file}: ${where}: get_param "${name}" is not a declared parameter`);
    }
  }
  for (const { name, where } of refs.resources) {
    if (!(name in resources)) errors.push(`${file}: ${where}: "${name}" is not a declared resource`);
  }
  const used = new Set(refs.params.map((ref) => ref.name));
  for (const name of Object.keys(parameters)) {
    if (!used.has(name)) errors.push(`${file}: parameter "${name}" is never used`);
    const definition = parameters[name];
    if (!isObject(definition) || typeof definition.type !== 'string') {
      errors.push(`${file}: parameter "${name}" has no type`);
    }
  }

  const groups = template.parameter_groups;
  if (Array.isArray(groups)) {
    for (const group of groups) {
      const names = isObject(group) && Array.isArray(group.parameters) ? group.parameters : [];
      for (const name of names) {
        if (!(String(name) in parameters)) errors.push(`${file}: parameter_groups names unknown "${name}"`);
      }
    }
  }

  for (const [name, resource] of Object.entries(resources)) {
    if (!isObject(resource) || typeof resource.type !== 'string') {
      errors.push(`${file}: resource "${name}" has no type`);
      continue;
    }
    const dependsOn = resource.depends_on;
    const deps = dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn];
    for (const dep of deps) {
      if (!(String(dep) in resources)) errors.push(`${file}: resource "${name}" depends_on unknown "${dep}"`);
    }

    for (const use of nestedUses(name, resource)) {
      const nested = load(use.file);
      if (!isObject(nested)) {
        errors.push(`${file}: ${use.where}: nested template ${use.file} does not exist`);
        continue;
      }
      const nestedParams = section(nested, 'parameters');
      for (const property of Object.keys(use.properties)) {
        if (!(property in nestedParams)) {
          errors.push(`${file}: ${use.where}: ${use.file} has no parameter "${property}"`);
        }
      }
      for (const [param, definition] of Object.entries(nestedParams)) {
        const hasDefault = isObject(definition) && 'default' in definition;
        if (!hasDefault && !(param in use.properties)) {
          errors.push(`${file}: ${use.where}: required parameter "${param}" of ${use.file} is not given`);
        }
      }
    }
  }

  // get_attr [group, outputs_list, <name>] must name an output of the group's nested template.
  for (const { resource, path, where } of refs.attrs) {
    const definition = resources[resource];
    if (!isObject(definition) || path.length < 2 || !GROUP_OUTPUT_ATTRIBUTES.has(String(path[0]))) continue;
    for (const use of nestedUses(resource, definition)) {
      const nested = load(use.file);
      if (isObject(nested) && !(String(path[1]) in section(nested, 'outputs'))) {
        errors.push(`${file}: ${where}: ${use.file} has no output "${String(path[1])}"`);
      }
    }
  }

  for (const [name, output] of Object.entries(outputs)) {
    if (!isObject(output) || !('value' in output)) errors.push(`${file}: output "${name}" has no value`);
  }
  return errors;
}

const files = readdirSync(HEAT_DIR).filter((name) => /\.ya?ml$/.test(name)).sort();
const parsed = files.length > 0 ? parseYamlFiles(files.map((name) => join(HEAT_DIR, name))) : {};
const loadFrom = (relative: string): Json | undefined => {
  const path = join(HEAT_DIR, relative);
  if (path in parsed) return parsed[path];
  return existsSync(path) ? parseYamlFiles([path])[path] : undefined;
};

describe('Heat templates in labs/heat', () => {
  it('contains the three course templates and their nested templates', () => {
    expect(files).toEqual(expect.arrayContaining([
      'servers_in_new_neutron_net.yaml', 'asg_of_stacks.yaml', 'vm_with_cinder.yaml',
      'autoscaling.yaml', 'lb_server.yaml',
    ]));
  });

  it.each(files)('%s is a consistent HOT template for Zed', (name) => {
    expect(checkTemplate(name, parsed[join(HEAT_DIR, name)] ?? null, loadFrom)).toEqual([]);
  });

  it('uses only resource types that exist in Zed (no LBaaS v1, no OS::Ceilometer::Alarm)', () => {
    const removed = /^OS::(Neutron::(Pool|PoolMember|LoadBalancer|HealthMonitor|LBaaS::.*)|Ceilometer::Alarm)$/;
    for (const name of files) {
      const template = parsed[join(HEAT_DIR, name)];
      const resources = isObject(template) ? section(template, 'resources') : {};
      for (const [resource, definition] of Object.entries(resources)) {
        const type = isObject(definition) ? String(definition.type) : '';
        expect(removed.test(type), `${name}: ${resource} is of removed type ${type}`).toBe(false);
      }
    }
  });
});

describe('checkTemplate', () => {
  const nested: JsonObject = {
    heat_template_version: '2021-04-16',
    parameters: { image: { type: 'string' }, size: { type: 'number', default: 1 } },
    resources: { vm: { type: 'OS::Nova::Server', properties: { image: { get_param: 'image' } } } },
    outputs: { ip: { value: { get_attr: ['vm', 'networks'] } } },
  };
  const good = (): JsonObject => ({
    heat_template_version: '2021-04-16',
    parameters: { image: { type: 'string' } },
    resources: {
      asg: {
        type: 'OS::Heat::AutoScalingGroup',
        properties: {
          min_size: 1, max_size: 2,
          resource: { type: 'member.yaml', properties: { image: { get_param: 'image' } } },
        },
      },
      up: { type: 'OS::Heat::ScalingPolicy', depends_on: 'asg', properties: { auto_scaling_group_id: { get_resource: 'asg' } } },
    },
    outputs: {
      url: { value: { get_attr: ['up', 'alarm_url'] } },
      ips: { value: { get_attr: ['asg', 'outputs_list', 'ip'] } },
    },
  });
  const load = (relative: string): Json | undefined => (relative === 'member.yaml' ? nested : undefined);

  it('accepts a consistent template', () => {
    expect(checkTemplate('t.yaml', good(), load)).toEqual([]);
  });

  const breakages: [string, (t: JsonObject) => void, string][] = [
    ['an unknown HOT version', (t) => { t.heat_template_version = '2022-09-12'; }, 'not a HOT version'],
    ['an undeclared get_param', (t) => {
      (t.outputs as JsonObject).x = { value: { get_param: 'flavor' } };
    }, 'get_param "flavor"'],
    ['an unused parameter', (t) => {
      (t.parameters as JsonObject).flavor = { type: 'string' };
    }, 'parameter "flavor" is never used'],
    ['an unknown get_resource', (t) => {
      ((t.resources as JsonObject).up as JsonObject).properties = { auto_scaling_group_id: { get_resource: 'nope' } };
    }, '"nope" is not a declared resource'],
    ['an unknown get_attr in outputs', (t) => {
      (t.outputs as JsonObject).url = { value: { get_attr: ['down', 'alarm_url'] } };
    }, '"down" is not a declared resource'],
    ['an unknown depends_on', (t) => {
      ((t.resources as JsonObject).up as JsonObject).depends_on = ['ghost'];
    }, 'depends_on unknown "ghost"'],
    ['a missing nested file', (t) => {
      (((t.resources as JsonObject).asg as JsonObject).properties as JsonObject).resource = { type: 'missing.yaml' };
    }, 'missing.yaml does not exist'],
    ['a property the nested template does not declare', (t) => {
      const member = (((t.resources as JsonObject).asg as JsonObject).properties as JsonObject).resource as JsonObject;
      member.properties = { image: { get_param: 'image' }, network: 'private' };
    }, 'no parameter "network"'],
    ['a required nested parameter not given', (t) => {
      const member = (((t.resources as JsonObject).asg as JsonObject).properties as JsonObject).resource as JsonObject;
      member.properties = { size: 2 };
    }, 'required parameter "image"'],
    ['an unknown nested output', (t) => {
      (t.outputs as JsonObject).ips = { value: { get_attr: ['asg', 'outputs_list', 'address'] } };
    }, 'no output "address"'],
  ];

  it.each(breakages)('reports %s', (_label, breakIt, expected) => {
    const template = good();
    breakIt(template);
    const errors = checkTemplate('t.yaml', template, load);
    expect(errors.join('\n')).toContain(expected);
  });
});
