import { createRequire as __samocodeCreateRequire } from 'node:module';
const require = __samocodeCreateRequire(import.meta.url);
import"./chunk-UU5TJRDE.js";var r=class{static async create(e){throw new Error("pending")}};export{r as CodexAgent};
