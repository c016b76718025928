/* country.c — the ISO 3166-1 alpha-2 codes in use, as one string of letter
 * pairs: small, and a scan of 249 pairs costs nothing next to a request. */
#include "country.h"

#include <string.h>

/* Assigned codes, 249 of them (ISO 3166-1, as of 2024), concatenated in order. */
static const char assigned[] = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZ"
			       "BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ"
			       "CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ"
			       "DEDJDKDMDODZ"
			       "ECEEEGEHERESET"
			       "FIFJFKFMFOFR"
			       "GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY"
			       "HKHMHNHRHTHU"
			       "IDIEILIMINIOIQIRISIT"
			       "JEJMJOJP"
			       "KEKGKHKIKMKNKPKRKWKYKZ"
			       "LALBLCLILKLRLSLTLULVLY"
			       "MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ"
			       "NANCNENFNGNINLNONPNRNUNZ"
			       "OM"
			       "PAPEPFPGPHPKPLPMPNPRPSPTPWPY"
			       "QA"
			       "RERORSRURW"
			       "SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ"
			       "TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ"
			       "UAUGUMUSUYUZ"
			       "VAVCVEVGVIVNVU"
			       "WFWS"
			       "YEYT"
			       "ZAZMZW";

bool country_code_assigned(const char *cc)
{
	if (!cc || strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return false;
	for (size_t i = 0; i + 1 < sizeof(assigned); i += 2)
		if (assigned[i] == cc[0] && assigned[i + 1] == cc[1])
			return true;
	return false;
}
