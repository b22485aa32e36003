import type { DomainSeed } from './types.js';
import { URBAN_CONSTRUCTION } from './d01-urban-construction.js';
import { HOUSING } from './d02-housing.js';
import { UTILITIES } from './d03-utilities.js';
import { URBAN_MANAGEMENT } from './d04-urban-management.js';
import { LABOR_SOCIAL_SECURITY } from './d05-labor-social-security.js';
import { EDUCATION_CULTURE } from './d06-education-culture.js';
import { HEALTH } from './d07-health.js';
import { TRANSPORT } from './d08-transport.js';
import { MARKET_CONSUMER } from './d09-market-consumer.js';
import { ENVIRONMENT } from './d10-environment.js';
import { PUBLIC_SECURITY } from './d11-public-security.js';
import { CIVIL_AFFAIRS } from './d12-civil-affairs.js';
import { AGRICULTURE } from './d13-agriculture.js';
import { NATURAL_RESOURCES } from './d14-natural-resources.js';
import { COMMERCE_TOURISM } from './d15-commerce-tourism.js';
import { BUSINESS_ENVIRONMENT } from './d16-business-environment.js';
import { XPCC_COORDINATION } from './d17-xpcc-coordination.js';
import { OTHER } from './d18-other.js';

/**
 * The standard 诉求事项目录 of the Xinjiang 12345 hotline, in catalogue order: the position of a
 * domain, sub-category and item gives its code (XJ12345-<domain>-<sub>-<item>), so append new
 * entries at the end of their list to keep existing codes stable. See SOURCE.md for provenance.
 */
export const CATALOG_DOMAINS: readonly DomainSeed[] = [
  URBAN_CONSTRUCTION,
  HOUSING,
  UTILITIES,
  URBAN_MANAGEMENT,
  LABOR_SOCIAL_SECURITY,
  EDUCATION_CULTURE,
  HEALTH,
  TRANSPORT,
  MARKET_CONSUMER,
  ENVIRONMENT,
  PUBLIC_SECURITY,
  CIVIL_AFFAIRS,
  AGRICULTURE,
  NATURAL_RESOURCES,
  COMMERCE_TOURISM,
  BUSINESS_ENVIRONMENT,
  XPCC_COORDINATION,
  OTHER,
];

export { ELEMENTS, type ElementCode } from './elements.js';
export { DEPARTMENTS, TENANT_PROFILES, unitName, xpccPeerUnit, type DeptKey, type TenantProfile } from './departments.js';
export type * from './types.js';
