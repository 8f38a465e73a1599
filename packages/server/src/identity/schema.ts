import type { GraphQLObjectType, GraphQLScalarType, ValueNode } from 'graphql';
import { buildSchema, defaultFieldResolver, GraphQLError, Kind } from './graphql.ts';

/**
 * The Identity Protection GraphQL schema, in the vendor's style (names as public clients use them:
 * see the reference notes). Only what riposte computes from its sensors' data is declared; a field
 * a client asks for that is not here is a validation error, never a made-up value.
 */
const schema = buildSchema(/* GraphQL */ `
  scalar Cursor
  scalar DateTimeInput
  scalar DateTime

  enum EntityType { USER ENDPOINT }
  enum SortOrder { ASCENDING DESCENDING }
  enum EntitySortKey { RISK_SCORE PRIMARY_DISPLAY_NAME SECONDARY_DISPLAY_NAME CREATION_TIME }
  enum RiskScoreSeverity { NORMAL MEDIUM HIGH }
  enum RoleType { BuiltinAdministratorRole AdminAccountRole HumanUserAccountRole ProgrammaticUserAccountRole }
  enum TimelineEventCategory { ACTIVITY THREAT POLICY }
  enum TimelineEventType { SUCCESSFUL_AUTHENTICATION FAILED_AUTHENTICATION POLICY_RULE_MATCH NEW_INCIDENT }
  enum AuthenticationProtocol { KERBEROS NTLM LDAP SSH SUDO LOGIN }
  enum IncidentSortKey { END_TIME START_TIME }
  enum IncidentLifeCycleStage { NEW IN_PROGRESS DISMISS FALSE_POSITIVE RESOLVED }
  enum SeverityLevel { NORMAL MEDIUM HIGH }

  input AccountQueryInput { samAccountNames: [String!] domains: [String!] }
  input EntityQueryInput {
    entityIds: [String!]
    types: [EntityType!]
    primaryDisplayNames: [String!]
    domains: [String!]
    samAccountNames: [String!]
    watched: Boolean
  }
  input SourceEntityQueryInput { entityIds: [String!] samAccountNames: [String!] accountQuery: AccountQueryInput }
  input WatchListInput { entityQuery: EntityQueryInput! reason: String }
  input SetIncidentStateInput { incidentId: String! lifeCycleStage: IncidentLifeCycleStage! reason: String }
  input AddCommentToIncidentInput { incidentId: String! comment: String! }

  type PageInfo { hasNextPage: Boolean! endCursor: Cursor }

  type RiskFactor { type: String! severity: RiskScoreSeverity! score: Float! description: String! }
  type EntityRole { type: RoleType! }
  type PasswordAttributes { lastChange: DateTime mayNeverExpire: Boolean! }
  type Group { groupId: String! name: String! domain: String! privileged: Boolean! }

  interface AccountDescriptor { enabled: Boolean! dataSource: String! archived: Boolean! }
  type ActiveDirectoryAccountDescriptor implements AccountDescriptor {
    domain: String!
    samAccountName: String!
    ou: String
    department: String
    lastLogon: DateTime
    creationTime: DateTime
    passwordAttributes: PasswordAttributes!
    enabled: Boolean!
    dataSource: String!
    archived: Boolean!
  }
  type LocalAccountDescriptor implements AccountDescriptor {
    hostName: String!
    userName: String!
    lastLogon: DateTime
    passwordAttributes: PasswordAttributes!
    enabled: Boolean!
    dataSource: String!
    archived: Boolean!
  }

  interface Entity {
    entityId: String!
    type: EntityType!
    primaryDisplayName: String!
    secondaryDisplayName: String!
    riskScore: Float!
    riskScoreSeverity: RiskScoreSeverity!
    riskFactors: [RiskFactor!]!
    roles: [EntityRole!]!
    hasRole(type: RoleType!): Boolean!
    watched: Boolean!
    archived: Boolean!
    creationTime: DateTime
    accounts: [AccountDescriptor!]!
    groups: [Group!]!
    openIncidents(first: Int = 10): IncidentConnection!
  }
  type UserEntity implements Entity {
    entityId: String! type: EntityType! primaryDisplayName: String! secondaryDisplayName: String!
    riskScore: Float! riskScoreSeverity: RiskScoreSeverity! riskFactors: [RiskFactor!]! roles: [EntityRole!]!
    hasRole(type: RoleType!): Boolean! watched: Boolean! archived: Boolean! creationTime: DateTime
    accounts: [AccountDescriptor!]! groups: [Group!]! openIncidents(first: Int = 10): IncidentConnection!
    emailAddresses: [String!]!
  }
  type EndpointEntity implements Entity {
    entityId: String! type: EntityType! primaryDisplayName: String! secondaryDisplayName: String!
    riskScore: Float! riskScoreSeverity: RiskScoreSeverity! riskFactors: [RiskFactor!]! roles: [EntityRole!]!
    hasRole(type: RoleType!): Boolean! watched: Boolean! archived: Boolean! creationTime: DateTime
    accounts: [AccountDescriptor!]! groups: [Group!]! openIncidents(first: Int = 10): IncidentConnection!
    hostName: String!
    lastIpAddress: String
    agentId: String
    operatingSystemInfo: OperatingSystemInfo
  }
  type OperatingSystemInfo { displayName: String! }
  type EntityConnection { nodes: [Entity!]! edges: [EntityEdge!]! pageInfo: PageInfo! }
  type EntityEdge { node: Entity! cursor: Cursor! }

  interface TimelineEvent { eventId: String! eventType: TimelineEventType! eventLabel: String! eventSeverity: SeverityLevel! timestamp: DateTime! }
  type TimelineAuthenticationEvent implements TimelineEvent {
    eventId: String! eventType: TimelineEventType! eventLabel: String! eventSeverity: SeverityLevel! timestamp: DateTime!
    authenticationType: AuthenticationProtocol!
    protocolType: AuthenticationProtocol!
    result: String!
    userName: String!
    userEntity: Entity
    endpointEntity: Entity
    targetEndpointEntity: Entity
    ipAddress: String
    hostName: String
    targetHostName: String
    service: String
  }
  type TimelinePolicyRuleMatchEvent implements TimelineEvent {
    eventId: String! eventType: TimelineEventType! eventLabel: String! eventSeverity: SeverityLevel! timestamp: DateTime!
    ruleName: String!
    ruleId: String!
    triggerLabel: String!
    actionLabel: String!
    simulated: Boolean!
    successful: Boolean!
    resultDescription: String!
    sourceEntity: Entity
    targetEntity: Entity
    incident: Incident
  }
  type TimelineNewIncidentEvent implements TimelineEvent {
    eventId: String! eventType: TimelineEventType! eventLabel: String! eventSeverity: SeverityLevel! timestamp: DateTime!
    incident: Incident
  }
  type TimelineEventConnection { nodes: [TimelineEvent!]! pageInfo: PageInfo! }

  type IncidentComment { author: String! text: String! timestamp: DateTime! }
  type Incident {
    incidentId: String!
    type: String!
    severity: SeverityLevel!
    lifeCycleStage: IncidentLifeCycleStage!
    startTime: DateTime!
    endTime: DateTime!
    description: String!
    markedAsRead: Boolean!
    comments: [IncidentComment!]!
    compromisedEntities: [Entity!]!
  }
  type IncidentConnection { nodes: [Incident!]! pageInfo: PageInfo! }

  type AssessmentFactor { riskFactorType: String! severity: RiskScoreSeverity! likelihood: Float! affectedEntities: Int! }
  type SecurityAssessment { domain: String! overallScore: Int! overallScoreLevel: String! assessmentFactors: [AssessmentFactor!]! }

  type Query {
    entities(
      types: [EntityType!]
      archived: Boolean
      learned: Boolean
      watched: Boolean
      enabled: Boolean
      entityIds: [String!]
      primaryDisplayNames: [String!]
      secondaryDisplayNames: [String!]
      domains: [String!]
      samAccountNames: [String!]
      accountQuery: AccountQueryInput
      roles: [RoleType!]
      riskFactorTypes: [String!]
      riskScoreSeverities: [RiskScoreSeverity!]
      minRiskScore: Float
      maxRiskScore: Float
      stale: Boolean
      hasAgedPassword: Boolean
      hasNeverExpiringPassword: Boolean
      sortKey: EntitySortKey
      sortOrder: SortOrder
      first: Int
      after: Cursor
    ): EntityConnection!
    entity(entityId: String!): Entity
    timeline(
      sourceEntityQuery: SourceEntityQueryInput
      startTime: DateTimeInput
      endTime: DateTimeInput
      categories: [TimelineEventCategory!]
      types: [TimelineEventType!]
      sortOrder: SortOrder
      first: Int
      after: Cursor
    ): TimelineEventConnection!
    incidents(
      createdAfter: DateTimeInput
      updatedAfter: DateTimeInput
      severities: [SeverityLevel!]
      lifeCycleStages: [IncidentLifeCycleStage!]
      types: [String!]
      sortKey: IncidentSortKey
      sortOrder: SortOrder
      first: Int
      after: Cursor
    ): IncidentConnection!
    incident(incidentId: String!): Incident
    securityAssessment(domain: String): SecurityAssessment!
    domains: [String!]!
  }

  type WatchListResult { updatedEntities: [Entity!]! failures: [String!]! }
  type IncidentResult { incident: Incident! }

  type Mutation {
    addEntitiesToWatchList(input: WatchListInput!): WatchListResult!
    removeEntitiesFromWatchList(input: WatchListInput!): WatchListResult!
    setIncidentState(input: SetIncidentStateInput!): IncidentResult!
    addCommentToIncident(input: AddCommentToIncidentInput!): IncidentResult!
  }
`);

/** The schema's own scalars are strings on the wire: anything else is refused before execution. */
function stringScalar(name: string): void {
  const type = schema.getType(name) as GraphQLScalarType;
  const check = (v: unknown) => {
    if (typeof v !== 'string') throw new GraphQLError(`${name} must be a string`);
    return v;
  };
  Object.assign(type, {
    serialize: check,
    parseValue: check,
    parseLiteral: (node: ValueNode) => {
      if (node.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string`);
      return node.value;
    },
  });
}
for (const name of ['Cursor', 'DateTimeInput', 'DateTime']) stringScalar(name);

/**
 * Fields whose value is a function of the object (root operations, entity methods, the views'
 * lazy loads): they get GraphQL's own default resolver, which calls it. Every other field is a
 * plain property (or getter) that the compiled executor reads directly.
 */
const COMPUTED_FIELDS: Record<string, readonly string[] | 'all'> = {
  Query: 'all',
  Mutation: 'all',
  UserEntity: ['hasRole', 'groups', 'openIncidents'],
  EndpointEntity: ['hasRole', 'groups', 'openIncidents'],
  EntityConnection: ['edges'],
  Incident: ['compromisedEntities'],
  TimelineAuthenticationEvent: ['userEntity', 'endpointEntity', 'targetEndpointEntity'],
  TimelinePolicyRuleMatchEvent: ['sourceEntity', 'targetEntity', 'incident'],
  TimelineNewIncidentEvent: ['incident'],
};
for (const [typeName, names] of Object.entries(COMPUTED_FIELDS)) {
  const fields = (schema.getType(typeName) as GraphQLObjectType).getFields();
  for (const name of names === 'all' ? Object.keys(fields) : names) fields[name].resolve = defaultFieldResolver;
}

export const identitySchema = schema;
