import { createRequire as __samocodeCreateRequire } from 'node:module';
const require = __samocodeCreateRequire(import.meta.url);
import{a as s}from"./chunk-EVQK4HD6.js";import{existsSync as m,readFileSync as p}from"node:fs";import{dirname as a,join as e}from"node:path";import{fileURLToPath as f}from"node:url";function c(t=a(f(import.meta.url))){let o=t;for(let r=0;r<5;r++){if(m(e(o,"prompts","workflow.md")))return o;o=a(o)}throw new Error(`cannot find the prompts/ folder above ${t}; the package is incomplete`)}function g(t){return t.replace(/^---\n[\s\S]*?\n---\n/,"").trim()}function d(t=c()){let o=e(t,"prompts"),r=p(e(o,"workflow.md"),"utf8").trim(),i=new Map(s.map(n=>[n,g(p(e(o,`${n}.md`),"utf8"))]));return n=>({workflow:r,agent:i.get(n)})}function P(t){let{workflow:o,agent:r,context:i}=t.prompt;return[o,`# Your instructions for the ${t.phase} phase

${r}`,i,`Do one iteration of the ${t.phase} phase as your instructions describe, then write ${t.sessionPath}/_signal.json.`].join(`

`)}export{c as a,d as b,P as c};
