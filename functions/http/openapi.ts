import * as z from 'zod';
import { rolesFor } from '../core/auth/permissions';
import { bodySchemaOf, querySchemaOf, type RouteSpec } from './define-route';

/** `/api/studies/:studyId` as OpenAPI writes it: `/api/studies/{studyId}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

const schemaOf = (schema: z.ZodType) => {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
};

const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string', description: 'Names the field first, e.g. "arm: unknown arm …"' },
        field: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
      required: ['code', 'message'],
    },
  },
};

/**
 * The OpenAPI 3.1 document of `routes`, generated from their declarations: paths, zod schemas,
 * and who may call each (its capability and the roles that have it, from core/auth/permissions.ts).
 */
export async function openApiDocument(routes: readonly RouteSpec[]): Promise<Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const body = await bodySchemaOf(route);
    const query = await querySchemaOf(route);
    const path = openApiPath(route.path);
    const roles = route.capability === undefined ? undefined : rolesFor(route.capability);
    const parameters = [
      ...[...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: schemaOf(schema as z.ZodType),
      })),
    ];
    paths[path] ??= {};
    paths[path]![route.method] = {
      summary: route.summary,
      tags: [route.tag],
      ...(roles ? { security: [{ bearer: [] }, { cookie: [] }], 'x-capability': route.capability, 'x-roles': roles } : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(body) } } } } : {}),
      ...(route.bodyMediaType ? { requestBody: { required: true, content: { [route.bodyMediaType]: { schema: { type: 'string' } } } } } : {}),
      responses: Object.fromEntries(
        Object.entries({
          ...route.responses,
          ...(body || query || route.bodyMediaType ? { 400: 'Invalid input; the message names the field' } : {}),
          ...(roles ? { 401: 'Not signed in', 403: 'Not allowed for this role or study' } : {}),
        }).map(([status, value]) => {
          const { description, mediaType } = typeof value === 'string' ? { description: value, mediaType: 'application/json' } : value;
          const body = Number(status) >= 400 ? { content: { 'application/json': { schema: errorBody } } } : { content: { [mediaType]: {} } };
          return [status, { description, ...body }];
        }),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Timepoint API',
      version: '0.1.0',
      description:
        'Scheduled patient-reported outcomes for clinical research. A POST, PUT, PATCH or DELETE authenticated by the session cookie (and sign-in itself) ' +
        "must come from the app's own origin (Origin, else Sec-Fetch-Site), or it is refused with 403 (CSRF); bearer-token requests are exempt.",
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/auth/verify' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'tp_session' },
      },
    },
    paths,
  };
}
