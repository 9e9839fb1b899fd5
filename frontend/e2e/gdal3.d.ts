// gdal3.js ships the types of its browser entry only; its Node entry
// exports the same function.
declare module 'gdal3.js/node.js' {
  import initGdalJs from 'gdal3.js';
  export default initGdalJs;
}
