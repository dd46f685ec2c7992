import nodemailer from 'nodemailer';
import type { Config } from '../../../config/index.js';

export interface MailMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Mailer {
  /** Sends one message to the configured to/cc/bcc; rejects if the SMTP server does not accept it. */
  send(message: MailMessage): Promise<{ messageId: string; accepted: string[] }>;
  close(): void;
}

/** An SMTP mailer (nodemailer) for the addresses and server in configuration. */
export function createMailer(mail: Config['mail']): Mailer {
  const transport = nodemailer.createTransport({
    host: mail.host,
    port: mail.port,
    secure: mail.secure,
    auth: mail.user !== undefined ? { user: mail.user, pass: mail.pass ?? '' } : undefined,
    connectionTimeout: mail.timeoutMs,
    greetingTimeout: mail.timeoutMs,
    socketTimeout: mail.timeoutMs,
  });
  return {
    async send(message) {
      const info = await transport.sendMail({
        from: mail.from,
        to: [...mail.to],
        cc: [...mail.cc],
        bcc: [...mail.bcc],
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      return { messageId: info.messageId, accepted: info.accepted.map(String) };
    },
    close: () => transport.close(),
  };
}
