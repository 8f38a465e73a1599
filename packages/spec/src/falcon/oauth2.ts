import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';

const collection = 'Oauth2';

export const oauth2Operations = defineOperations([
  {
    operationId: 'oauth2AccessToken',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/oauth2/token',
    scope: null,
    summary: 'Generate an OAuth2 access token from API client credentials (form fields or HTTP Basic).',
    form: Type.Object(
      {
        client_id: Type.Optional(Type.String({ maxLength: 256 })),
        client_secret: Type.Optional(Type.String({ maxLength: 256 })),
        member_cid: Type.Optional(Type.String({ maxLength: 64 })),
        grant_type: Type.Optional(Type.Literal('client_credentials')),
        scope: Type.Optional(Type.String({ maxLength: 4096 })),
      },
      { additionalProperties: false },
    ),
    successStatus: 201,
    response: Type.Object({
      access_token: Type.String(),
      token_type: Type.Literal('bearer'),
      expires_in: Type.Integer(),
    }),
  },
  {
    operationId: 'oauth2RevokeToken',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/oauth2/revoke',
    scope: null,
    summary: 'Revoke a previously issued OAuth2 access token (client authenticates with HTTP Basic).',
    form: Type.Object(
      {
        token: Type.String({ minLength: 1, maxLength: 4096 }),
        client_id: Type.Optional(Type.String({ maxLength: 256 })),
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
  },
]);
