import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';
import './docs.css';

/** The interactive API reference at /docs, from the same /openapi.json the console's types come from. */
SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  // Deep links put a link inside each operation's toggle button (nested controls, axe).
  deepLinking: false,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
