import { createRequire as __samocodeCreateRequire } from 'node:module';
const require = __samocodeCreateRequire(import.meta.url);
import{a,b,c,d,e,f}from"./chunk-XM6RQCHY.js";import"./chunk-PHU55PIP.js";import"./chunk-UU5TJRDE.js";export{f as CliAgent,a as MAX_ERROR_CHARS,d as errorLine,e as exitError,c as keepStart,b as oneLine};
