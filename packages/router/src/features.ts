/**
 * The router's role and feature announcement (spec basic "Router: Role and Feature Announcement"
 * and each advanced feature's "Feature Announcement"), and helpers to read a client's.
 */
import type { Dict } from '@wampkit/serializers';

/** The broker features this router announces in WELCOME.Details.roles.broker. */
export const BROKER_FEATURES = {
  publisher_identification: true,
  pattern_based_subscription: true,
  session_meta_api: true,
  subscription_meta_api: true,
  subscriber_blackwhite_listing: true,
  publisher_exclusion: true,
  subscription_revocation: true,
  event_retention: true,
  payload_passthru_mode: true,
} as const;

/** The dealer features this router announces in WELCOME.Details.roles.dealer. */
export const DEALER_FEATURES = {
  caller_identification: true,
  pattern_based_registration: true,
  session_meta_api: true,
  registration_meta_api: true,
  shared_registration: true,
  call_timeout: true,
  call_canceling: true,
  progressive_call_results: true,
  progressive_call_invocations: true,
  registration_revocation: true,
  payload_passthru_mode: true,
} as const;

export const ROUTER_ROLES: Dict = {
  broker: { features: { ...BROKER_FEATURES } },
  dealer: { features: { ...DEALER_FEATURES } },
};

export type ClientRole = 'publisher' | 'subscriber' | 'caller' | 'callee';

/** A client's announced roles and features, read once from HELLO.Details.roles. */
export class ClientFeatures {
  private readonly roles: Dict;

  constructor(helloDetails: Dict) {
    const roles = helloDetails.roles;
    this.roles = roles !== null && typeof roles === 'object' ? (roles as Dict) : {};
  }

  hasRole(role: ClientRole): boolean {
    return this.roles[role] !== undefined;
  }

  has(role: ClientRole, feature: string): boolean {
    const r = this.roles[role] as { features?: Dict } | undefined;
    return r?.features?.[feature] === true;
  }

  announcedRoles(): ClientRole[] {
    return (['publisher', 'subscriber', 'caller', 'callee'] as const).filter((r) =>
      this.hasRole(r),
    );
  }
}
