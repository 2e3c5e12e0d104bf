/** `POST /auth/login`: username + password → a short-lived ES256 access token. */
import type { FastifyInstance } from "fastify";
import { clearUserFailures, loginRetryAfter, recordLoginFailure } from "../auth/login-limiter.js";
import { DUMMY_HASH, verifyPassword } from "../auth/passwords.js";
import { findUser } from "../auth/users.js";
import { problem, type RouteDeps } from "./app.js";
import { loginBody } from "./schemas.js";

export function registerAuthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post<{ Body: { username: string; password: string } }>(
    "/auth/login",
    { config: { access: "public" }, schema: { body: loginBody } },
    async (req, reply) => {
      const { username, password } = req.body;
      const retryAfter = await loginRetryAfter(deps.pool, username, req.ip, deps.loginLimits);
      if (retryAfter > 0) {
        reply.header("retry-after", String(retryAfter));
        return reply
          .code(429)
          .send(problem(req.id, "too_many_attempts", "too many failed logins; try again later"));
      }
      const user = await findUser(deps.pool, username);
      // Verify against a dummy hash for unknown users, so response time does not reveal who exists.
      const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (user === undefined || !passwordOk) {
        await recordLoginFailure(deps.pool, username, req.ip, deps.loginLimits);
        return reply.code(401).send(problem(req.id, "invalid_credentials", "wrong username or password"));
      }
      await clearUserFailures(deps.pool, username);
      const { token, expiresIn } = await deps.tokens.sign({ username: user.username, role: user.role });
      return { access_token: token, token_type: "Bearer", expires_in: expiresIn, role: user.role };
    },
  );
}
