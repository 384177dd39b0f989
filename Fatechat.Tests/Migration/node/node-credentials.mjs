// What the Node app stored and issued: a bcryptjs hash (cost 10, as its register route) and a jsonwebtoken token
// ({userId, userMail}, HS256, 6 h, no issuer). Prints them as one JSON line.
// Usage: node node-credentials.mjs - <password> <secret> <userId> <userMail>
import bcrypt from "bcryptjs";
import jwt from "jsonwebtoken";

const [, , , password, secret, userId, userMail] = process.argv;
const hash = bcrypt.hashSync(password, 10);
const token = jwt.sign({ userId: Number(userId), userMail }, secret, { expiresIn: "6h" });
console.log(JSON.stringify({ hash, token }));
