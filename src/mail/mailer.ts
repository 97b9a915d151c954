import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../logger.js';

export type MailMessage = { to: string; subject: string; text: string; html: string };

export type Mailer = {
  /** Sends one message; rejects when the server refuses it. */
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
};

/**
 * SMTP through nodemailer when `SMTP_URL` is set (e.g. smtp://user:pass@mail.example:587).
 * Without it, messages are rendered by nodemailer all the same and written as .eml files to
 * `outboxDir`, and logged, so a local setup shows what would have been sent.
 */
export function createMailer(options: { smtpUrl?: string; from: string; outboxDir: string; logger: Logger }): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(message) {
        const info = await transport.sendMail({ from: options.from, ...message });
        options.logger.info({ to: message.to, subject: message.subject, messageId: info.messageId }, 'email sent');
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail({ from: options.from, ...message });
      fs.mkdirSync(options.outboxDir, { recursive: true });
      const file = path.join(options.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`);
      fs.writeFileSync(file, info.message as Buffer);
      options.logger.info({ to: message.to, subject: message.subject, file }, 'email written to the outbox (SMTP_URL is not set)');
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
