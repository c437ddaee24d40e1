import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { build } from './support/cdk.ts';
import { built } from './support/synthesized.ts';

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the AwsSolutions pack, in any stack', () => {
    for (const stack of [built.key, built.primary, built.secondary]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`), stack.stackName).toEqual([]);
    }
  });

  it('also passes with the development fallback (a Cognito user pool) instead of an external issuer', () => {
    const app = build();
    Template.fromStack(app.primary).hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
    Template.fromStack(app.primary).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: Match.anyValue(), Audience: [Match.anyValue()] },
    });
    for (const stack of [app.primary, app.secondary]) expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('acknowledges only named findings, each with a reason', () => {
    const acknowledged: { path: string; id: string; reason: unknown }[] = [];
    const walk = (c: IConstruct) => {
      for (const entry of c.node.metadata)
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) acknowledged.push({ path: c.node.path, id, reason });
      c.node.children.forEach(walk);
    };
    walk(built.app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) {
      expect(a.id, a.path).toMatch(/^(annotation::)?AwsSolutions-[A-Za-z]+\d+(\[.+\])?$/i);
      const reason = typeof a.reason === 'string' ? a.reason : JSON.stringify(a.reason);
      expect(reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
    }
  });
});
