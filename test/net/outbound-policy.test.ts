import { describe, expect, it } from 'vitest';
import { nonPublicKind } from '../../net/ip-ranges';
import {
  checkOutboundUrl,
  formatOutboundAllowHosts,
  MICROSOFT_AUTHORITY_HOSTS,
  MICROSOFT_GRAPH_HOSTS,
  NO_ALLOWED_HOSTS,
  parseOutboundAllowHosts,
} from '../../net/outbound-policy';

const ruleOf = (url: string, allow = '', hosts?: readonly string[]) =>
  checkOutboundUrl(url, parseOutboundAllowHosts(allow), hosts)?.rule ?? null;

describe('the outbound policy', () => {
  it("when a URL is one of Microsoft's cloud hosts on 443, then it passes with no allow-list", () => {
    for (const host of [...MICROSOFT_AUTHORITY_HOSTS, ...MICROSOFT_GRAPH_HOSTS])
      expect(checkOutboundUrl(`https://${host}`, NO_ALLOWED_HOSTS)).toBeNull();
    expect(ruleOf('https://LOGIN.microsoftonline.com./tenant', '', MICROSOFT_AUTHORITY_HOSTS)).toBeNull();
  });

  it('when a URL points at loopback, private, link-local or metadata addresses, then public_address refuses it', () => {
    for (const url of [
      'https://127.0.0.1:1',
      'https://10.0.0.1',
      'https://169.254.169.254',
      'https://172.16.5.4',
      'https://192.168.1.1',
      'https://100.100.100.200',
      'https://0.0.0.0',
      'https://[::1]',
      'https://[fd00:ec2::254]',
      'https://[fe80::1]',
      'https://[::ffff:127.0.0.1]',
      'https://[::ffff:a9fe:a9fe]',
    ])
      expect(ruleOf(url), url).toBe('public_address');
  });

  it("when a host is not Microsoft's, or Microsoft's on another port, or not https, then the rule that refuses is named", () => {
    expect(ruleOf('https://evil.example.com')).toBe('allowed_host');
    expect(ruleOf('https://8.8.8.8')).toBe('allowed_host');
    expect(ruleOf('https://login.microsoftonline.com.evil.example')).toBe('allowed_host');
    expect(ruleOf('https://graph.microsoft.com', '', MICROSOFT_AUTHORITY_HOSTS)).toBe('allowed_host');
    expect(ruleOf('https://graph.microsoft.com:8443')).toBe('allowed_port');
    expect(ruleOf('http://graph.microsoft.com')).toBe('https_only');
    expect(ruleOf('https://user:pw@graph.microsoft.com')).toBe('no_credentials');
    const refusal = checkOutboundUrl('https://evil.example.com', NO_ALLOWED_HOSTS);
    expect(refusal?.message).toMatch(/outbound rule allowed_host: .*OUTBOUND_ALLOW_HOSTS/);
  });

  it('when the operator lists host or host:port, then exactly that host and port pass (a bare host means 443)', () => {
    const allow = 'emulator.test:8443, 127.0.0.1:9000,[::1]:9001,internal.example';
    expect(ruleOf('https://emulator.test:8443', allow)).toBeNull();
    expect(ruleOf('https://EMULATOR.test:8443', allow)).toBeNull();
    expect(ruleOf('https://127.0.0.1:9000', allow)).toBeNull();
    expect(ruleOf('https://[::1]:9001', allow)).toBeNull();
    expect(ruleOf('https://internal.example', allow)).toBeNull();
    expect(ruleOf('https://emulator.test:8444', allow)).toBe('allowed_host');
    expect(ruleOf('https://127.0.0.1:9002', allow)).toBe('public_address');
    expect(ruleOf('https://internal.example:8443', allow)).toBe('allowed_host');
    expect(ruleOf('http://127.0.0.1:9000', allow)).toBe('https_only');
    expect(formatOutboundAllowHosts(parseOutboundAllowHosts(allow))).toBe(
      'emulator.test:8443,127.0.0.1:9000,[::1]:9001,internal.example',
    );
  });

  it('when an OUTBOUND_ALLOW_HOSTS entry is not a host or host:port, then parsing says which one', () => {
    expect(parseOutboundAllowHosts(undefined).allow).toEqual([]);
    expect(parseOutboundAllowHosts(' , ').allow).toEqual([]);
    for (const bad of ['https://x.test', 'x.test/path', '*.example.com', 'x.test:99999', 'a@b.test'])
      expect(() => parseOutboundAllowHosts(bad), bad).toThrow(/OUTBOUND_ALLOW_HOSTS entry/);
  });

  it('classifies public and non-public addresses', () => {
    expect(nonPublicKind('20.190.151.68')).toBeNull();
    expect(nonPublicKind('2603:1036::1')).toBeNull();
    expect(nonPublicKind('127.3.2.1')).toBe('loopback');
    expect(nonPublicKind('169.254.169.254')).toMatch(/link-local/);
    expect(nonPublicKind('::ffff:10.1.2.3')).toBe('private');
    expect(nonPublicKind('64:ff9b::7f00:1')).toBe('loopback');
  });
});
