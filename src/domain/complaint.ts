import { z } from 'zod';

/** Complaint categories from DOMAIN.md "Classify and assess". */
export const COMPLAINT_CATEGORIES = [
  'product_quality',
  'service',
  'billing',
  'logistics',
  'misrepresentation',
  'after_sales',
  'privacy',
  'other',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** normal (普通), serious (严重: real loss), urgent (紧急: safety, legal or media threat). */
export const SEVERITIES = ['normal', 'serious', 'urgent'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What the customer wants (DOMAIN.md "Record"). */
export const REMEDIES = ['refund', 'return', 'exchange', 'repair', 'compensation', 'explanation', 'other'] as const;
export type Remedy = (typeof REMEDIES)[number];

/** Lifecycle of a complaint; the allowed moves are in services/complaints/complaint-status.ts. */
export const COMPLAINT_STATUSES = ['received', 'in_progress', 'resolved', 'closed', 'reopened'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const LOCALES = ['zh-CN', 'en-US'] as const;
export const localeSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof localeSchema>;

export const contactSchema = z.object({
  kind: z.enum(['phone', 'email']),
  value: z.string().min(3).max(254),
});
export type Contact = z.infer<typeof contactSchema>;

export const statusChangeSchema = z.object({
  status: z.enum(COMPLAINT_STATUSES),
  at: z.string().datetime(),
  note: z.string().max(2000).optional(),
});
export type StatusChange = z.infer<typeof statusChangeSchema>;

/** A recorded complaint, as stored and as read back (always parsed with this schema). */
export const complaintSchema = z.object({
  code: z.string().regex(/^HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/),
  /** Makes recording idempotent: a retried confirmation never files a second complaint. */
  idempotencyKey: z.string().min(1).max(200),
  conversationId: z.string().min(1).max(200),
  userId: z.string().min(1).max(200),
  channel: z.string().min(1).max(50),
  locale: localeSchema,
  description: z.string().min(1).max(4000),
  orderRef: z.string().max(40).nullable(),
  remedy: z.enum(REMEDIES),
  contact: contactSchema,
  category: z.enum(COMPLAINT_CATEGORIES),
  severity: z.enum(SEVERITIES),
  /** Why the classifier chose category and severity, for agents and audits. */
  classificationReasons: z.array(z.string().max(200)).max(20),
  status: z.enum(COMPLAINT_STATUSES),
  createdAt: z.string().datetime(),
  firstResponseDueAt: z.string().datetime(),
  resolutionDueAt: z.string().datetime(),
  history: z.array(statusChangeSchema),
  /** Ids of evidence files (photos) the customer sent; complaints recorded before had none. */
  attachments: z.array(z.string().max(64)).max(20).optional(),
});
export type Complaint = z.infer<typeof complaintSchema>;
