/** E-mail over SMTP (STARTTLS, implicit TLS, or plain to a local relay) with optional AUTH, through nodemailer. */
import nodemailer from 'nodemailer';
import type { AlertChannelConfig } from '../../definitions/alerts-config.js';
import { secretRedactor } from '../../shared/redact.js';
import type { AlertChannel } from '../alert-channel.js';
import type { AlertMessage } from '../../events/alert-message.js';
import { messageFacts } from '../message-text.js';

type EmailConfig = Extract<AlertChannelConfig, { type: 'email' }>;

/** For tests and private CAs: trust these certificates (PEM) in addition to the system's. */
export interface EmailChannelOptions {
  ca?: string | string[];
}

/** SMTP answers that mean "try later" (4xx) or a connection that did not happen; 5xx means the address or login is wrong. */
function isRetryable(error: { responseCode?: number; code?: string }): boolean {
  if (error.responseCode !== undefined) return error.responseCode < 500;
  return true;
}

/**
 * @example
 * emailContent(message).subject // '[weir] Problem: Check failed: revenue.positive_amounts'
 */
export function emailContent(message: AlertMessage): { subject: string; text: string; html: string } {
  const facts = messageFacts(message);
  const subject = `[weir] ${message.state === 'resolved' ? 'Resolved: ' : ''}${message.title}`.replace(/[\r\n]+/g, ' ');
  const text = [message.line, '', ...facts.map((f) => `${f.name}: ${f.value}`), ...(message.link ? ['', message.link] : [])].join('\n');
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const html = `<p><strong>${escape(message.title)}</strong></p><p>${escape(message.line)}</p><table>${facts.map((f) => `<tr><td>${escape(f.name)}</td><td>${escape(f.value)}</td></tr>`).join('')}</table>${message.link ? `<p><a href="${escape(message.link)}">${message.runId ? 'Open the run' : 'Open Weir'}</a></p>` : ''}`;
  return { subject, text, html };
}

/**
 * @example
 * createEmailChannel('team_mail', { type: 'email', host: 'smtp.example.org', port: 587, secure: 'starttls', user: 'weir', password: '…', from: 'weir@example.org', to: ['ana@example.org'] })
 */
export function createEmailChannel(name: string, config: EmailConfig, options: EmailChannelOptions = {}): AlertChannel {
  const secure = config.secure ?? 'starttls';
  const redact = secretRedactor([config.password, config.user && config.password ? `${config.user}:${config.password}` : undefined].filter((v): v is string => !!v));
  return {
    name,
    type: 'email',
    async send(message, sendOptions) {
      const transport = nodemailer.createTransport({
        host: config.host,
        port: config.port ?? (secure === 'tls' ? 465 : 587),
        secure: secure === 'tls',
        // STARTTLS is required, never optional: a server that does not offer it fails the delivery instead of
        // receiving the password in clear.
        requireTLS: secure === 'starttls',
        ignoreTLS: secure === 'none',
        ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
        ...(options.ca ? { tls: { ca: options.ca } } : {}),
        connectionTimeout: sendOptions.timeoutMs, greetingTimeout: sendOptions.timeoutMs, socketTimeout: sendOptions.timeoutMs,
      });
      try {
        const content = emailContent(message);
        const info = await transport.sendMail({ from: config.from, to: config.to, ...content, headers: { 'X-Weir-Delivery': sendOptions.deliveryId } });
        return { status: 'DELIVERED', detail: redact(String(info.response ?? '')) };
      } catch (error) {
        const e = error as { message?: string; responseCode?: number; code?: string };
        const why = `${e.code ? `${e.code}: ` : ''}${(e.message ?? String(error)).split('\n')[0]}`;
        return { status: 'FAILED', error: redact(`SMTP ${config.host}: ${why}`), retryable: isRetryable(e) };
      } finally {
        transport.close();
      }
    },
  };
}
