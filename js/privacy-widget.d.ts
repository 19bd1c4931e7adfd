/**
 * The global API of the privacy-widget marketing-page loader (privacy-widget.js).
 *
 * The loader always defines `window.__privacyWidget`; it also defines `window.PrivacyWidget`
 * unless the page already has an unrelated global of that name (then use `__privacyWidget`).
 * Calls made before the WebAssembly module is ready are queued (`open`, `reset`) or answered
 * as "no decision yet" (`consent()` returns null).
 */

/** How a decision was made (the `action` of the proof-of-consent record). */
export type ConsentMethod = "accept_all" | "reject_all" | "custom" | "gpc" | "withdraw";

/** The visitor's current decision. */
export interface ConsentDecision {
  /** Every browser-consent purpose of the site's policy: granted (true) or not. */
  purposes: Record<string, boolean>;
  method: ConsentMethod;
  /** The policy version the decision was made on. */
  policyVersion: string;
  /** ISO 8601 time of the decision. */
  decidedAt: string;
}

export interface PrivacyWidgetApi {
  /** The current decision, or null when none stands (first visit, expired, new policy version). */
  consent(): ConsentDecision | null;
  /** Calls `listener` after every change; returns a function that removes it. */
  onChange(listener: (decision: ConsentDecision | null) => void): () => void;
  /** Opens the "Privacy-instellingen" dialog. */
  open(): void;
  /** Forgets the stored decision (clearing the granted purposes' cookies) and shows the banner again. */
  reset(): void;
}

/** The dataLayer entry pushed on every decision and at start from a stored one. */
export interface PrivacyWidgetDataLayerEvent extends ConsentDecision {
  event: "privacy_widget_consent";
  consent_mode: {
    analytics_storage: "granted" | "denied";
    ad_storage: "granted" | "denied";
    ad_user_data: "granted" | "denied";
    ad_personalization: "granted" | "denied";
  };
}

declare global {
  interface Window {
    /** Ours, always (present once the loader ran). */
    __privacyWidget?: PrivacyWidgetApi;
    /** Ours unless the page defined its own `PrivacyWidget` first. */
    PrivacyWidget?: PrivacyWidgetApi;
    dataLayer?: unknown[];
    gtag?: (...args: unknown[]) => void;
  }
  interface WindowEventMap {
    /** The widget has loaded its policy and applied the stored decision; detail = consent(). */
    "privacy-widget:ready": CustomEvent<ConsentDecision | null>;
    /** A decision was made or reset; detail = the new decision (null after reset()). */
    "privacy-widget:change": CustomEvent<ConsentDecision | null>;
  }
}
