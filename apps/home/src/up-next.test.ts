import { describe, expect, it } from 'vitest';
import { upNextAbsence } from './up-next';

describe('upNextAbsence', () => {
  it("quotes the part's recorded reason when the build ran it and it produced nothing", () => {
    const absence = upNextAbsence('v1', { build: { parts: { dataset: { present: true }, sequenceModel: { present: false, reason: 'not trained: 12 consecutive plays in the log, need 1,000; Up next and radio are unavailable' } } } });
    expect(absence.reason).toBe('not trained: 12 consecutive plays in the log, need 1,000; Up next and radio are unavailable');
    // said once (the new-user walk read "… are unavailable: … need 1,000; Up next and radio are unavailable")
    expect(absence.message).toBe('Bundle v1 has no next-track model, so Up next and radio are unavailable: the build left the sequenceModel part out — not trained: 12 consecutive plays in the log, need 1,000');
  });

  it('says the build did not run the part when its record lists other parts only (--only)', () => {
    const absence = upNextAbsence('v2', { build: { parts: { dataset: { present: true }, itemIndex: { present: true } } } });
    expect(absence.reason).toBe('the build did not run the sequenceModel part (it built dataset, itemIndex: `mixtape build --only` without sequenceModel)');
    expect(absence.message).toContain('build again with sequenceModel in --only, or without --only');
  });

  it('says the manifest does not say why when it has no build record, and lists what can cause it', () => {
    for (const metadata of [undefined, {}, { build: 'odd' }]) {
      const absence = upNextAbsence('v3', metadata);
      expect(absence.reason).toBe('the manifest does not say why (no build record in its metadata)');
      expect(absence.message).toContain('too few consecutive plays');
    }
  });

  it('says the part was built but not loaded when the record says present and the service has none', () => {
    const absence = upNextAbsence('v5', { build: { parts: { dataset: { present: true }, sequenceModel: { present: true } } } });
    expect(absence.reason).toBe('the build record says the sequenceModel part was built, but the manifest lists none of its files (models/sequence.bin, indexes/sequence.faiss), so this service did not load it');
    expect(absence.message).toContain("publish the build's output again");
    expect(absence.message).not.toContain('does not say why');
  });

  it('an absent part without a recorded reason says so', () => {
    expect(upNextAbsence('v4', { build: { parts: { sequenceModel: { present: false } } } }).reason).toBe('the build left the part out without recording why');
  });
});
