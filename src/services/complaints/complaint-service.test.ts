import { MemoryComplaintRepository } from '../../../test/support/memory-complaint-repository';
import { complaintSchema, type Complaint } from '../../domain/complaint';
import { TrackingCodeTakenError, type ComplaintRepository } from '../../storage/store';
import { ManualClock } from '../../util/clock';
import { SeededRandom, type RandomSource } from '../../util/random';
import { RuleBasedClassifier, type Classification, type ClassificationInput, type ComplaintClassifier } from './classifier';
import {
  ComplaintNotFoundError,
  ComplaintService,
  InvalidComplaintError,
  MAX_TRACKING_CODE_ATTEMPTS,
  TrackingCodeExhaustedError,
  type ComplaintDraft,
  type RecordContext,
} from './complaint-service';
import { InvalidTransitionError } from './complaint-status';
import { generateTrackingCode, TRACKING_CODE_PATTERN } from './tracking-code';

const START = '2026-03-01T10:00:00.000Z';
const SEED = 42;
/** The first codes SeededRandom(42) draws; written out so that a change to the generator shows. */
const FIRST_CODE = 'HL-MGVP-7JAM';
const SECOND_CODE = 'HL-VH9W-RB8J';

/** Answers with a fixed classification and remembers what it was asked. */
class FixedClassifier implements ComplaintClassifier {
  readonly inputs: ClassificationInput[] = [];
  constructor(private readonly result: Classification) {}
  classify(input: ClassificationInput): Classification {
    this.inputs.push(input);
    return this.result;
  }
}

/** Always draws the same symbol, so every code is HL-2222-2222. */
const stuckRandom: RandomSource = { int: () => 0 };

const DRAFT: ComplaintDraft = {
  description: '快递三天了还没到',
  orderRef: 'A-20260301-77',
  remedy: 'refund',
  contact: { kind: 'phone', value: '13800138000' },
};

function context(overrides: Partial<RecordContext> = {}): RecordContext {
  return {
    idempotencyKey: 'conv-1:confirm-1',
    conversationId: 'conv-1',
    userId: 'user-1',
    channel: 'web',
    locale: 'zh-CN',
    ...overrides,
  };
}

function setup(options: { classifier?: ComplaintClassifier; random?: RandomSource; repository?: MemoryComplaintRepository } = {}) {
  const repository = options.repository ?? new MemoryComplaintRepository();
  const clock = new ManualClock(START);
  const service = new ComplaintService({
    repository,
    classifier: options.classifier ?? new RuleBasedClassifier(),
    clock,
    random: options.random ?? new SeededRandom(SEED),
  });
  return { repository, clock, service };
}

/** A stored complaint with the given code, to make that code taken. */
function storedComplaint(code: string, idempotencyKey: string): Complaint {
  return complaintSchema.parse({
    code,
    idempotencyKey,
    conversationId: 'conv-0',
    userId: 'user-0',
    channel: 'web',
    locale: 'en-US',
    description: 'earlier complaint',
    orderRef: null,
    remedy: 'other',
    contact: { kind: 'email', value: 'a@example.com' },
    category: 'other',
    severity: 'normal',
    classificationReasons: [],
    status: 'received',
    createdAt: '2026-02-01T00:00:00.000Z',
    firstResponseDueAt: '2026-02-02T00:00:00.000Z',
    resolutionDueAt: '2026-02-04T00:00:00.000Z',
    history: [{ status: 'received', at: '2026-02-01T00:00:00.000Z' }],
  });
}

describe('ComplaintService.record', () => {
  it('stores a received complaint with every field, classified, with exact deadlines', async () => {
    const { service, repository } = setup();
    const complaint = await service.record(DRAFT, context());
    expect(complaint).toStrictEqual({
      code: FIRST_CODE,
      idempotencyKey: 'conv-1:confirm-1',
      conversationId: 'conv-1',
      userId: 'user-1',
      channel: 'web',
      locale: 'zh-CN',
      description: '快递三天了还没到',
      orderRef: 'A-20260301-77',
      remedy: 'refund',
      contact: { kind: 'phone', value: '13800138000' },
      category: 'logistics',
      severity: 'normal',
      classificationReasons: ['category:logistics cue=快递', 'category:logistics cue=没到', 'severity:normal cue=none'],
      status: 'received',
      createdAt: '2026-03-01T10:00:00.000Z',
      firstResponseDueAt: '2026-03-02T10:00:00.000Z',
      resolutionDueAt: '2026-03-04T10:00:00.000Z',
      history: [{ status: 'received', at: '2026-03-01T10:00:00.000Z' }],
    });
    expect(await repository.findByCode(FIRST_CODE)).toStrictEqual(complaint);
  });

  it('draws codes in the HL-XXXX-XXXX format from the injected random source', async () => {
    const { service } = setup();
    const first = await service.record(DRAFT, context({ idempotencyKey: 'k1' }));
    const second = await service.record(DRAFT, context({ idempotencyKey: 'k2' }));
    expect(first.code).toMatch(TRACKING_CODE_PATTERN);
    expect([first.code, second.code]).toEqual([FIRST_CODE, SECOND_CODE]);
    const replay = new SeededRandom(SEED);
    expect([generateTrackingCode(replay), generateTrackingCode(replay)]).toEqual([FIRST_CODE, SECOND_CODE]);
  });

  it('passes description, remedy, order reference and locale to the classifier', async () => {
    const classifier = new FixedClassifier({ category: 'billing', severity: 'serious', reasons: ['test'] });
    const { service } = setup({ classifier });
    const complaint = await service.record(DRAFT, context({ locale: 'en-US' }));
    expect(classifier.inputs).toEqual([
      { description: '快递三天了还没到', remedy: 'refund', orderRef: 'A-20260301-77', locale: 'en-US' },
    ]);
    expect(complaint).toMatchObject({ category: 'billing', severity: 'serious', classificationReasons: ['test'] });
  });

  it('makes an urgent complaint due for a first response at once and resolved within 24 hours', async () => {
    const { service, clock } = setup({
      classifier: new FixedClassifier({ category: 'product_quality', severity: 'urgent', reasons: [] }),
    });
    clock.advance(90 * 60 * 1000);
    const complaint = await service.record(DRAFT, context());
    expect(complaint).toMatchObject({
      createdAt: '2026-03-01T11:30:00.000Z',
      firstResponseDueAt: '2026-03-01T11:30:00.000Z',
      resolutionDueAt: '2026-03-02T11:30:00.000Z',
    });
  });

  it('uses an injected SLA policy', async () => {
    const repository = new MemoryComplaintRepository();
    const service = new ComplaintService({
      repository,
      classifier: new FixedClassifier({ category: 'other', severity: 'normal', reasons: [] }),
      clock: new ManualClock(START),
      random: new SeededRandom(SEED),
      sla: {
        firstResponseHours: { normal: 2, serious: 1, urgent: 0 },
        resolutionHours: { normal: 8, serious: 4, urgent: 1 },
      },
    });
    const complaint = await service.record(DRAFT, context());
    expect(complaint).toMatchObject({ firstResponseDueAt: '2026-03-01T12:00:00.000Z', resolutionDueAt: '2026-03-01T18:00:00.000Z' });
  });

  it('draws another code when the first one is taken', async () => {
    const repository = new MemoryComplaintRepository();
    await repository.create(storedComplaint(FIRST_CODE, 'someone-else'));
    const { service } = setup({ repository });
    const complaint = await service.record(DRAFT, context());
    expect(complaint.code).toBe(SECOND_CODE);
    expect(repository.calls.filter((call) => call.method === 'create').map((call) => call.arg)).toEqual([
      FIRST_CODE, // the pre-seeded complaint
      FIRST_CODE, // clash
      SECOND_CODE,
    ]);
    expect((await repository.findByCode(FIRST_CODE))?.description).toBe('earlier complaint');
  });

  it(`gives up after ${MAX_TRACKING_CODE_ATTEMPTS} taken codes with a TrackingCodeExhaustedError`, async () => {
    const repository = new MemoryComplaintRepository();
    await repository.create(storedComplaint('HL-2222-2222', 'someone-else'));
    const { service } = setup({ repository, random: stuckRandom });
    const error = await service.record(DRAFT, context()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TrackingCodeExhaustedError);
    expect(error).toMatchObject({
      message: expect.stringContaining('ComplaintService.record'),
      cause: expect.any(TrackingCodeTakenError),
    });
    expect(repository.calls.filter((call) => call.method === 'create')).toHaveLength(1 + MAX_TRACKING_CODE_ATTEMPTS);
    expect(await repository.listByUser('user-1', 10)).toEqual([]);
  });

  it('does not retry other repository errors', async () => {
    const failure = new Error('disk full');
    let creates = 0;
    const repository: ComplaintRepository = {
      create: async () => {
        creates += 1;
        throw failure;
      },
      findByCode: async () => undefined,
      listByUser: async () => [],
      replace: async () => undefined,
    };
    const service = new ComplaintService({
      repository,
      classifier: new RuleBasedClassifier(),
      clock: new ManualClock(START),
      random: new SeededRandom(SEED),
    });
    await expect(service.record(DRAFT, context())).rejects.toBe(failure);
    expect(creates).toBe(1);
  });

  it('is idempotent: the same key returns the first complaint, unchanged', async () => {
    const { service, clock, repository } = setup();
    const first = await service.record(DRAFT, context());
    clock.advance(5 * 60 * 1000);
    const again = await service.record({ ...DRAFT, description: '我要找律师' }, context());
    expect(again).toStrictEqual(first);
    expect(await repository.listByUser('user-1', 10)).toStrictEqual([first]);
  });

  it('records a second complaint under another key', async () => {
    const { service, repository } = setup();
    const first = await service.record(DRAFT, context());
    const second = await service.record(DRAFT, context({ idempotencyKey: 'conv-1:confirm-2' }));
    expect(second.code).not.toBe(first.code);
    expect(await repository.listByUser('user-1', 10)).toHaveLength(2);
  });

  it.each([
    ['an empty description', { ...DRAFT, description: '' }, context()],
    ['a too long order reference', { ...DRAFT, orderRef: 'X'.repeat(41) }, context()],
    ['a too short contact', { ...DRAFT, contact: { kind: 'email' as const, value: 'a' } }, context()],
    ['an empty idempotency key', DRAFT, context({ idempotencyKey: '' })],
  ])('rejects %s with InvalidComplaintError and stores nothing', async (_case, draft, recordContext) => {
    const { service, repository } = setup();
    const error = await service.record(draft, recordContext).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidComplaintError);
    expect(error).toMatchObject({ name: 'InvalidComplaintError', message: expect.stringContaining('ComplaintService.record') });
    expect(repository.calls).toEqual([]);
  });
});

describe('ComplaintService.findByCode', () => {
  it.each(['HL-MGVP-7JAM', 'hl mgvp 7jam', 'HLMGVP7JAM', 'ＨＬ－ＭＧＶＰ－７ＪＡＭ', '我的查询码是 hl-mgvp-7jam'])(
    'finds the complaint from %j',
    async (input) => {
      const { service } = setup();
      const recorded = await service.record(DRAFT, context());
      expect(await service.findByCode(input)).toStrictEqual(recorded);
    },
  );

  it('returns undefined for a well-formed code nobody has', async () => {
    const { service, repository } = setup();
    await service.record(DRAFT, context());
    expect(await service.findByCode('HL-2222-2222')).toBeUndefined();
    expect(repository.calls.at(-1)).toEqual({ method: 'findByCode', arg: 'HL-2222-2222' });
  });

  it.each(['HL-0000-1111', 'where is my parcel', '', 'XHL-MGVP-7JAM'])(
    'returns undefined for malformed %j without asking the repository',
    async (input) => {
      const { service, repository } = setup();
      expect(await service.findByCode(input)).toBeUndefined();
      expect(repository.calls).toEqual([]);
    },
  );
});

describe('ComplaintService.listByUser', () => {
  it('lists one user, newest first, ten by default', async () => {
    const { service, clock } = setup();
    const codes: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      codes.push((await service.record(DRAFT, context({ idempotencyKey: `k${i}` }))).code);
      clock.advance(60_000);
    }
    await service.record(DRAFT, context({ idempotencyKey: 'other', userId: 'user-2' }));
    const listed = await service.listByUser('user-1');
    expect(listed.map((complaint) => complaint.code)).toEqual(codes.slice(2).reverse());
    expect(listed.every((complaint) => complaint.userId === 'user-1')).toBe(true);
    expect((await service.listByUser('user-1', 3)).map((complaint) => complaint.code)).toEqual(codes.slice(9).reverse());
    expect(await service.listByUser('nobody')).toEqual([]);
  });

  it('keeps insertion order (newest first) for complaints recorded in the same millisecond', async () => {
    const { service } = setup();
    const a = await service.record(DRAFT, context({ idempotencyKey: 'a' }));
    const b = await service.record(DRAFT, context({ idempotencyKey: 'b' }));
    expect((await service.listByUser('user-1')).map((complaint) => complaint.code)).toEqual([b.code, a.code]);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects the limit %p', async (limit) => {
    const { service, repository } = setup();
    await expect(service.listByUser('user-1', limit)).rejects.toThrow(RangeError);
    expect(repository.calls).toEqual([]);
  });
});

describe('ComplaintService.changeStatus', () => {
  it('moves the complaint, stamps the clock time and note, and stores it', async () => {
    const { service, clock } = setup();
    const recorded = await service.record(DRAFT, context());
    clock.advance(2 * 60 * 60 * 1000);
    const updated = await service.changeStatus(recorded.code, 'in_progress', 'courier contacted');
    expect(updated).toStrictEqual({
      ...recorded,
      status: 'in_progress',
      history: [
        { status: 'received', at: '2026-03-01T10:00:00.000Z' },
        { status: 'in_progress', at: '2026-03-01T12:00:00.000Z', note: 'courier contacted' },
      ],
    });
    expect(await service.findByCode(recorded.code)).toStrictEqual(updated);
  });

  it('accepts the code in any form a customer or agent types it', async () => {
    const { service } = setup();
    await service.record(DRAFT, context());
    const updated = await service.changeStatus('hl mgvp 7jam', 'resolved');
    expect(updated).toMatchObject({ code: FIRST_CODE, status: 'resolved' });
  });

  it('follows a reopen cycle to the end', async () => {
    const { service, clock } = setup();
    const { code } = await service.record(DRAFT, context());
    for (const status of ['in_progress', 'resolved', 'reopened', 'resolved', 'closed'] as const) {
      clock.advance(60_000);
      await service.changeStatus(code, status);
    }
    const final = await service.findByCode(code);
    expect(final?.status).toBe('closed');
    expect(final?.history.map((entry) => `${entry.status}@${entry.at.slice(11, 16)}`)).toEqual([
      'received@10:00',
      'in_progress@10:01',
      'resolved@10:02',
      'reopened@10:03',
      'resolved@10:04',
      'closed@10:05',
    ]);
  });

  it('refuses a move the table does not allow and leaves the stored complaint alone', async () => {
    const { service, repository } = setup();
    const recorded = await service.record(DRAFT, context());
    await expect(service.changeStatus(recorded.code, 'closed')).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(await repository.findByCode(recorded.code)).toStrictEqual(recorded);
    expect(repository.calls.some((call) => call.method === 'replace')).toBe(false);
  });

  it('refuses a note longer than complaintSchema allows', async () => {
    const { service, repository } = setup();
    const recorded = await service.record(DRAFT, context());
    await expect(service.changeStatus(recorded.code, 'in_progress', 'x'.repeat(2001))).rejects.toBeInstanceOf(
      InvalidComplaintError,
    );
    expect(await repository.findByCode(recorded.code)).toStrictEqual(recorded);
  });

  it('throws ComplaintNotFoundError naming an unknown code', async () => {
    const { service } = setup();
    const error = await service.changeStatus('HL-2222-2222', 'in_progress').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ComplaintNotFoundError);
    expect(error).toMatchObject({
      code: 'HL-2222-2222',
      message: 'ComplaintService.changeStatus: no complaint has tracking code HL-2222-2222',
    });
  });

  it('throws ComplaintNotFoundError for a malformed code without asking the repository', async () => {
    const { service, repository } = setup();
    await expect(service.changeStatus('HL-0000-1111', 'in_progress')).rejects.toBeInstanceOf(ComplaintNotFoundError);
    expect(repository.calls).toEqual([]);
  });
});

describe('MemoryComplaintRepository (the test double itself)', () => {
  it('refuses a replace that changes who filed the complaint', async () => {
    const repository = new MemoryComplaintRepository();
    const original = storedComplaint('HL-2222-2222', 'key-0');
    await repository.create(original);
    await expect(repository.replace({ ...original, userId: 'thief' })).rejects.toThrow(/userId/);
    await expect(repository.replace({ ...storedComplaint('HL-3333-3333', 'key-1') })).rejects.toThrow('HL-3333-3333');
    expect(await repository.findByCode('HL-2222-2222')).toStrictEqual(original);
  });

  it('sorts by instant, not by text, when createdAt precision differs', async () => {
    const repository = new MemoryComplaintRepository();
    await repository.create({ ...storedComplaint('HL-2222-2222', 'a'), createdAt: '2025-03-02T10:00:00.500Z' });
    await repository.create({ ...storedComplaint('HL-3333-3333', 'b'), createdAt: '2025-03-02T10:00:00Z' });
    expect((await repository.listByUser('user-0', 10)).map((c) => c.code)).toEqual(['HL-2222-2222', 'HL-3333-3333']);
  });
});
