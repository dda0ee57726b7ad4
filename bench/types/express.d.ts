/**
 * The slice of Express 5 the baseline uses. Express is a dev dependency only for the baseline,
 * without @types/express; declaring what we call keeps the bench strict without another package.
 */
declare module "express" {
  import type { IncomingMessage, Server, ServerResponse } from "node:http";

  interface Request extends IncomingMessage {
    /** Whatever the body parsers produced: `{}` when none matched. */
    body: unknown;
  }

  interface Response extends ServerResponse {
    status(code: number): Response;
    json(body: unknown): Response;
  }

  type NextFunction = (err?: unknown) => void;
  /** Express 5 forwards a rejected promise to the error handler. */
  type Handler = (req: Request, res: Response, next: NextFunction) => void | Promise<void>;

  interface Application {
    use(handler: Handler): Application;
    post(path: string, handler: Handler): Application;
    listen(port: number, host: string, callback: (err?: Error) => void): Server;
  }

  interface Express {
    (): Application;
    json(): Handler;
    urlencoded(options: { extended: boolean }): Handler;
  }

  const express: Express;
  export = express;
}
