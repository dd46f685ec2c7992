import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly recipients: string[];
  readonly raw: string;
}

export interface LoopbackSmtp {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** TCP connections accepted so far (one per delivery attempt). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package), as the peer of
 * the notification worker. `refuse` answers every connection with a 421, the
 * way a server in maintenance does.
 */
export async function startSmtp(options: { refuse?: boolean } = {}): Promise<LoopbackSmtp> {
  const received: ReceivedMail[] = [];
  let connections = 0;
  const config: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      if (options.refuse) {
        const error = new Error('service not available, try later') as Error & {
          responseCode: number;
        };
        error.responseCode = 421;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
