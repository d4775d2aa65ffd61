import { createRequire as __samocodeCreateRequire } from 'node:module';
const require = __samocodeCreateRequire(import.meta.url);
import{a as l,e as f}from"./chunk-I73NPYAZ.js";import{existsSync as P,readFileSync as h}from"node:fs";import{dirname as m,join as p}from"node:path";import{fileURLToPath as d}from"node:url";var u=/\s*<!--\s*phases:\s*([^>]*?)\s*-->\s*$/;function g(n){let o=[],t=[],r=null,e=!1,a=()=>{t.length&&o.push({text:t.join(`
`).trim(),phases:r})};for(let s of n.split(`
`)){if(/^\s*(```|~~~)/.test(s)&&(e=!e),e||!s.startsWith("## ")){t.push(s);continue}a();let i=u.exec(s);r=i?w(s,i[1]):null,t=[i?s.slice(0,i.index):s]}return a(),o}function w(n,o){let t=o.split(/[\s,]+/).filter(Boolean),r=t.filter(e=>!f(e));if(r.length||!t.length)throw new Error(`prompts/workflow.md: "${n}" names ${r.length?`no phase ${r.join(", ")}`:"no phases"}`);return t}function c(n,o){return g(n).filter(t=>t.phases===null||t.phases.includes(o)).map(t=>t.text).join(`

`)}function k(n=m(d(import.meta.url))){let o=n;for(let t=0;t<5;t++){if(P(p(o,"prompts","workflow.md")))return o;o=m(o)}throw new Error(`cannot find the prompts/ folder above ${n}; the package is incomplete`)}function x(n){return n.replace(/^---\n[\s\S]*?\n---\n/,"").trim()}function E(n=k()){let o=p(n,"prompts"),t=h(p(o,"workflow.md"),"utf8"),r=new Map(l.map(e=>[e,{workflow:c(t,e),agent:x(h(p(o,`${e}.md`),"utf8"))}]));return e=>r.get(e)}function M(n){let{workflow:o,agent:t,context:r}=n.prompt;return[o,`# Your instructions for the ${n.phase} phase

${t}`,r,`Do one iteration of the ${n.phase} phase as your instructions describe, then write ${n.sessionPath}/_signal.json.`].join(`

`)}export{k as a,E as b,M as c};
