// Validates an OpenAPI document file with @apidevtools/swagger-parser:
// structure against the official OpenAPI 3.0 JSON schema, then the rules the
// schema cannot express (path parameters match the template, unique operation
// ids, resolvable $refs). Exit 0 when valid.
'use strict';

const SwaggerParser = require('@apidevtools/swagger-parser');

async function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node validate.js <openapi.json>');
    process.exit(2);
  }
  try {
    const api = await SwaggerParser.validate(file);
    const operations = Object.values(api.paths).reduce(
        (count, item) => count + Object.keys(item).length, 0);
    console.log(`valid: ${api.info.title} ${api.info.version}, ` +
                `${Object.keys(api.paths).length} paths, ${operations} operations`);
  } catch (error) {
    console.error(`invalid: ${error.message}`);
    process.exit(1);
  }
}

main();
