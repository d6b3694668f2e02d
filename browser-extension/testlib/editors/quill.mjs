// A Quill 2 editor (snow theme) with an image button: Quill's own uploader puts pasted, dropped and
// chosen images into the post, as a site would (bundled by testlib/editors.mjs).
import Quill from 'quill';

window.quill = new Quill('#editor', { theme: 'snow', modules: { toolbar: ['bold', 'italic', 'image'] } });
window.editorReady = true;
