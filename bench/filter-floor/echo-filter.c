/* A minimal long-running git filter in C (protocol v2, clean + smudge) that echoes the content. See floor.mjs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static char buf[65536];
static int rd(char *b, int n){int g=0;while(g<n){int r=read(0,b+g,n-g);if(r<=0)return 0;g+=r;}return 1;}
static char ob[1<<20]; static int on=0;
static void fl(void){int o=0;while(o<on){int w=write(1,ob+o,on-o);if(w<=0)exit(1);o+=w;}on=0;}
static void wr(const char*b,int n){if(on+n>(int)sizeof ob)fl();memcpy(ob+on,b,n);on+=n;}
static void pk(const char*s){char h[5];int n=strlen(s);snprintf(h,5,"%04x",n+4);wr(h,4);wr(s,n);}
/* returns length of data (-1 for flush, -2 eof) */
static int rp(void){char h[5];if(!rd(h,4))return -2;h[4]=0;int l=strtol(h,0,16);if(l==0)return -1;if(!rd(buf,l-4))return -2;return l-4;}
int main(void){int l;
 while((l=rp())>=0);pk("git-filter-server\n");pk("version=2\n");wr("0000",4);fl();
 while((l=rp())>=0);pk("capability=clean\n");pk("capability=smudge\n");wr("0000",4);fl();
 static char cont[1<<22];
 for(;;){ while((l=rp())>=0); if(l==-2)break; int cn=0; while((l=rp())>=0){memcpy(cont+cn,buf,l);cn+=l;}
  pk("status=success\n");wr("0000",4);
  for(int i=0;i<cn;i+=65516){int n=cn-i<65516?cn-i:65516;char h[5];snprintf(h,5,"%04x",n+4);wr(h,4);wr(cont+i,n);}
  wr("0000",4);wr("0000",4);fl();}
 return 0;}
