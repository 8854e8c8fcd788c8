// Small files an applicant might send back as the "stamped scan": real image/PDF bytes and impostors.
import fs from 'node:fs';
import path from 'node:path';

const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const PDF =
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n';

export function fileFixtures(dir: string) {
  const write = (name: string, data: Buffer | string) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, data);
    return full;
  };
  return {
    png: write('盖章申请表.png', Buffer.from(PNG_1x1, 'base64')),
    pdf: write('盖章申请表.pdf', PDF),
    txt: write('说明.txt', '这不是扫描件'),
    /** Named .pdf, but plain text inside. */
    fakePdf: write('伪装.pdf', '这也不是扫描件'),
    empty: write('空文件.pdf', ''),
    /** Over the 20 MB limit: a PDF header and padding. */
    huge: write('超大扫描件.pdf', Buffer.concat([Buffer.from(PDF), Buffer.alloc(21 * 1024 * 1024)])),
    missing: path.join(dir, '不存在.pdf'),
  };
}
