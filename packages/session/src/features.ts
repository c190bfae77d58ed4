/**
 * The HELLO role and feature announcement (spec wamp.md "Client: Role and Feature Announcement",
 * wamp-ap.md "Feature Announcement"): every Advanced Profile feature this session implements.
 * A callee announces both `progressive_call_results` and `call_canceling`: some routers pass
 * progress through only to callees that do.
 */
import type { Dict } from '@wampkit/serializers';

/** The roles and features this client announces in HELLO.Details.roles (spec wamp.md "Client: Role and Feature Announcement"). */
export const CLIENT_ROLES: Readonly<Dict> = Object.freeze({
  caller: {
    features: {
      caller_identification: true,
      call_canceling: true,
      call_timeout: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      payload_passthru_mode: true,
    },
  },
  callee: {
    features: {
      caller_identification: true,
      call_canceling: true,
      call_timeout: true,
      call_trustlevels: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      pattern_based_registration: true,
      shared_registration: true,
      registration_revocation: true,
      payload_passthru_mode: true,
    },
  },
  publisher: {
    features: {
      publisher_identification: true,
      subscriber_blackwhite_listing: true,
      publisher_exclusion: true,
      payload_passthru_mode: true,
    },
  },
  subscriber: {
    features: {
      publisher_identification: true,
      publication_trustlevels: true,
      pattern_based_subscription: true,
      subscription_revocation: true,
      payload_passthru_mode: true,
    },
  },
});

/** A fresh deep copy (callers may adjust their HELLO without touching the shared constant). */
export function clientRoles(): Dict {
  return structuredClone(CLIENT_ROLES) as Dict;
}

/** Whether WELCOME.Details.roles.<role>.features.<feature> is true. */
export function routerHasFeature(welcomeDetails: Dict, role: string, feature: string): boolean {
  const roles = welcomeDetails.roles;
  if (typeof roles !== 'object' || roles === null) return false;
  const r = (roles as Dict)[role];
  if (typeof r !== 'object' || r === null) return false;
  const features = (r as Dict).features;
  if (typeof features !== 'object' || features === null) return false;
  return (features as Dict)[feature] === true;
}
