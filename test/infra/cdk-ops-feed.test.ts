import { describe, expect, it } from 'vitest';
import { EVENT_RULES, OPS_FEED_LOG_GROUP, type EventRule } from '../../manifest/rules.ts';
import { list, logicalId, resources, type Json } from './support/cdk.ts';
import { built, primary, secondary } from './support/synthesized.ts';

/** The `ops-feed` rule: every event on the bus into a CloudWatch Logs group, read by `npm run ops -- events`. */
const rule = (EVENT_RULES as readonly EventRule[]).find((r) => r.target.kind === 'log-group')!;

describe('the shared rule', () => {
  it('is one, for every Switchboard event, into a group EventBridge may write to', () => {
    expect((EVENT_RULES as readonly EventRule[]).filter((r) => r.target.kind === 'log-group').map((r) => r.name)).toEqual(['ops-feed']);
    expect(rule.target).toEqual({ kind: 'log-group', logGroup: OPS_FEED_LOG_GROUP });
    expect(OPS_FEED_LOG_GROUP).toMatch(/^\/aws\/events\//);
    // Replays included: no replay-name condition.
    expect(rule.eventPattern).toEqual({ source: ['switchboard'] });
  });
});

describe.each([
  ['primary', () => built.primary, () => primary],
  ['secondary', () => built.secondary, () => secondary],
] as const)('the %s stack', (_name, stack, template) => {
  const logGroupId = () => {
    const found = resources(template(), 'AWS::Logs::LogGroup').filter(([, r]) => r.Properties.LogGroupName === OPS_FEED_LOG_GROUP);
    expect(found).toHaveLength(1);
    return found[0]![0];
  };
  const deployedRule = () => {
    const found = resources(template(), 'AWS::Events::Rule').filter(([, r]) => r.Properties.Name === rule.name);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('has the log group, kept a month and removed with the stack like the handlers\' logs', () => {
    const id = logGroupId();
    expect(template().toJSON().Resources[id]).toMatchObject({
      Properties: { LogGroupName: OPS_FEED_LOG_GROUP, RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('has the rule on the bus with the shared pattern and one target: the group, the whole event, the rule targets\' dead-letter queue', () => {
    const [, deployed] = deployedRule();
    expect(deployed.Properties.EventBusName).toEqual({ Ref: logicalId(stack(), stack().bus) });
    expect(deployed.Properties.EventPattern).toEqual(rule.eventPattern);
    expect(deployed.Properties.Targets).toHaveLength(1);
    const target = deployed.Properties.Targets[0] as Json;
    expect(JSON.stringify(target.Arn)).toContain(':log-group:');
    expect(JSON.stringify(target.Arn)).toContain(`{"Ref":"${logGroupId()}"}`);
    // No Input / InputTransformer: EventBridge writes the whole event as the message.
    expect(target.Input).toBeUndefined();
    expect(target.InputTransformer).toBeUndefined();
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 });
    // The same queue as the function rules' targets.
    const functionRule = resources(template(), 'AWS::Events::Rule').find(([, r]) => r.Properties.Name === 'start-cascade')![1];
    expect(target.DeadLetterConfig).toEqual(functionRule.Properties.Targets[0].DeadLetterConfig);
    const queue = target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
    expect(template().toJSON().Resources[queue].Type).toBe('AWS::SQS::Queue');
  });

  it('lets EventBridge write to that group only, and send what it cannot deliver to the dead-letter queue only for this rule', () => {
    const [ruleId, deployed] = deployedRule();
    const policies = resources(template(), 'AWS::Logs::ResourcePolicy');
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0]!;
    const document = JSON.stringify(policy.Properties.PolicyDocument);
    expect(document).toContain('events.amazonaws.com');
    expect(document).toContain('logs:PutLogEvents');
    expect(document).toContain('logs:CreateLogStream');
    expect(document).toContain(`${logGroupId()}`);
    // Native, at deployment: no custom resource, no deploy-time Lambda; the rule waits for the policy.
    expect(resources(template(), 'Custom::CloudwatchLogResourcePolicy')).toEqual([]);
    expect(list<string>(deployed.DependsOn)).toContain(policyId);

    const queue = deployed.Properties.Targets[0].DeadLetterConfig.Arn['Fn::GetAtt'][0];
    const statements = resources(template(), 'AWS::SQS::QueuePolicy')
      .filter(([, p]) => list<Json>(p.Properties.Queues).some((q) => q.Ref === queue))
      .flatMap(([, p]) => list<Json>(p.Properties.PolicyDocument.Statement));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      }),
    );
  });
});
