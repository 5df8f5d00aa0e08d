import { describe, expect, it } from 'vitest';
import { createModelRegistry } from './registry';

describe('sasrec model spec', () => {
  it('names its settings, tied or untied output included, and rejects bad values', () => {
    const registry = createModelRegistry();
    expect(registry.create('sasrec').name).toBe(
      'SASRec transformer (d=64, 2 blocks, 1 head, L=50, dropout 0.3, untied output, lr 0.005, sampled softmax, 2048 negatives + log-Q; trained with transition prior α=1, μ=0.04, γ=0.5; + transition prior chosen on validation)',
    );
    expect(registry.create('sasrec:transitionPrior=false:trainWithPrior=false').name).toBe('SASRec transformer (d=64, 2 blocks, 1 head, L=50, dropout 0.3, untied output, lr 0.005, sampled softmax, 2048 negatives + log-Q)');
    expect(registry.create('sasrec:trainPriorAlpha=2').name).toContain('; trained with transition prior α=2, μ=0.04, γ=0.5; + transition prior chosen on validation)');
    expect(() => registry.create('sasrec:transitionPrior=1')).toThrow('model sasrec: transitionPrior must be "true" or "false", got "1"');
    expect(registry.create('sasrec:negatives=1024:samplingExponent=0').name).toContain('sampled softmax, 1024 uniform negatives + log-Q');
    expect(registry.create('sasrec:tied=true:learningRate=0.001:negatives=256').name).toContain('SASRec transformer (d=64, 2 blocks, 1 head, L=50, dropout 0.3, tied output, lr 0.001, sampled softmax, 256 negatives + log-Q;');
    expect(registry.create('sasrec:tied=false:learningRate=0.005:dim=32').name).toContain('SASRec transformer (d=32, 2 blocks, 1 head, L=50, dropout 0.3, untied output, lr 0.005, sampled softmax, 2048 negatives + log-Q;');
    expect(registry.create('sasrec:lastItemResidual=true:weightDecay=0.01').name).toContain('untied output + last-item residual, lr 0.005, weight decay 0.01, sampled');
    expect(() => registry.create('sasrec:lastItemResidual=yes')).toThrow('model sasrec: lastItemResidual must be "true" or "false", got "yes"');
    expect(() => registry.create('sasrec:tied=maybe')).toThrow('model sasrec: tied must be "true" or "false", got "maybe"');
    expect(() => registry.create('sasrec:loss=hinge')).toThrow('loss must be "sampled" or "full"');
    expect(registry.create('sasrec:learningRateDecay=cosine:warmupSteps=200').name).toContain('lr 0.005 with cosine decay after 200 warm-up steps, sampled');
    expect(registry.create('sasrec:learningRateDecay=constant').name).toContain('lr 0.005, sampled');
    expect(() => registry.create('sasrec:learningRateDecay=step')).toThrow('learningRateDecay must be "constant", "linear" or "cosine", got "step"');
  });
});
